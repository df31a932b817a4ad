/*
 * ahead.c - reads of plain files that the leader makes without waiting
 * for the other variants.
 *
 * In lockstep, whichever variant reaches a call first waits for the
 * others, so each call costs the difference in their pace since the call
 * before: on a compressor reading its input 8 KiB at a time, a few
 * percent of its run. A read of a regular file (or of /dev/zero or
 * /dev/urandom) has no effect outside but the file offset, so the leader
 * need not wait for it: the monitor reads through its own copy of the
 * leader's descriptor, gives the leader the data, and keeps the call
 * (its registers at entry, result and data). Each other variant, when
 * it comes to its next call, must make the same one, with the same
 * descriptor, length and offset; it is then given the kept result and
 * data. A variant that makes another call, or stops at anything else
 * (a fault, an rdtsc, its end) while it still owes a read, has parted
 * from the leader: a divergence, reported with the leader's read.
 *
 * Any other stop of the leader waits for every variant as before, and
 * the variants meet there only once each has taken every kept read: a
 * call with an effect outside is still made only after all variants
 * asked for it. The leader keeps at most AHEAD_CALLS reads, AHEAD_BYTES
 * in all, and does not go ahead while a signal waits to be delivered, in
 * a program with several threads, or under --trace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "chorus.h"

#define AHEAD_BYTES (8u << 20)
#define AHEAD_READ (1L << 20)

struct ahead_call {
	struct user_regs_struct regs; /* the leader's, at the call's entry */
	long ret;
	unsigned char *data;
};

struct ahead {
	struct ahead_call c[AHEAD_CALLS];
	int n;			/* reads the leader made ahead */
	int taken[MAX_VARIANTS]; /* of which each variant has taken */
	size_t bytes;
};

void ahead_free(struct vset *set)
{
	struct ahead *a = set->ahead;

	if (!a)
		return;
	for (int k = 0; k < a->n; k++)
		free(a->c[k].data);
	free(a);
	set->ahead = NULL;
}

static bool is_read(long nr)
{
	return nr == __NR_read || nr == __NR_pread64;
}

static bool may_go_ahead(struct vset *set)
{
	const struct user_regs_struct *r = &set->t[0].regs;
	const struct ahead *a = set->ahead;
	long len = (long)r->rdx;

	if (!is_read((long)r->orig_rax) || len <= 0 || len > AHEAD_READ)
		return false;
	if (opt.trace || set->launching || set->npend || set->interrupted || set->fatal_sig || set->dying ||
	    set->p->exiting || sched_threaded(set) || sched_shared(set))
		return false;
	if (a && (a->n == AHEAD_CALLS || a->bytes + (size_t)len > AHEAD_BYTES))
		return false;
	for (int i = 1; i < set->n; i++)
		if (set->t[i].state != T_RUNNING && set->t[i].state != T_ENTRY)
			return false; /* stopped at a fault, say: they meet at the leader's call */
	return !fd_private(&set->p->fds, (long)r->rdi) && io_monitor_fd(set, (long)r->rdi) >= 0;
}

/* The set's call count where task t is: behind the leader by the kept reads it has not taken. */
uint64_t ahead_position(const struct vset *set, const struct task *t)
{
	const struct ahead *a = set->ahead;

	return set->syscalls - (a && t->idx ? (uint64_t)(a->n - a->taken[t->idx]) : 0);
}

/* The variants have each taken every kept read: they are in step again. */
static void maybe_clear(struct vset *set)
{
	struct ahead *a = set->ahead;

	for (int i = 1; i < set->n; i++)
		if (set->t[i].state != T_GONE && a->taken[i] < a->n)
			return;
	for (int k = 0; k < a->n; k++)
		free(a->c[k].data);
	memset(a->taken, 0, sizeof(a->taken));
	a->n = 0;
	a->bytes = 0;
}

/* A divergence, told with the leader's read that variant t did not follow. */
static void parted(struct vset *set, struct task *t, const char *detail)
{
	struct task *lead = &set->t[0];

	lead->regs = set->ahead->c[set->ahead->taken[t->idx]].regs;
	lead->state = T_ENTRY;
	vset_diverge(set, "%s, at a read the leader made ahead", detail);
}

/* Where variant t's call at entry differs from the kept read r: the argument (from 1) the table compares by value, -1 the syscall, or 0. */
static int read_differs(const struct user_regs_struct *r, const struct task *t)
{
	const struct sc_desc *d = sc_lookup((long)r->orig_rax);

	if (t->regs.orig_rax != r->orig_rax)
		return -1;
	for (int i = 0; i < d->nargs; i++)
		if (scalar_arg(d->arg[i].kind) && arg_get(&t->regs, i) != arg_get(r, i))
			return i + 1;
	return 0;
}

/* Variant t, at a syscall entry, takes the next read the leader made. */
static void take(struct vset *set, struct task *t)
{
	struct ahead *a = set->ahead;
	const struct ahead_call *c = &a->c[a->taken[t->idx]];
	int k = read_differs(&c->regs, t);
	char why[128];

	if (k) {
		if (k < 0)
			snprintf(why, sizeof(why), "the variants made different syscalls");
		else
			snprintf(why, sizeof(why), "argument %d differs (%ld vs %ld)", k, arg_get(&c->regs, k - 1),
				 arg_get(&t->regs, k - 1));
		parted(set, t, why);
		return;
	}
	if (c->ret > 0 && mem_write(t->tid, (uint64_t)t->regs.rsi, c->data, (size_t)c->ret) < 0) {
		snprintf(why, sizeof(why), "variant %d cannot take the result of %s", t->idx,
			 sc_lookup((long)c->regs.orig_rax)->name);
		parted(set, t, why);
		return;
	}
	task_skip(t, c->ret);
	task_resume(t, 0);
	a->taken[t->idx]++;
	maybe_clear(set);
}

/* The leader's read, made by the monitor and kept. */
static void lead_read(struct vset *set, struct task *lead)
{
	struct ahead *a = set->ahead;
	struct ahead_call *c = &a->c[a->n];
	const struct user_regs_struct *r = &lead->regs;
	int m = io_monitor_fd(set, (long)r->rdi);
	bool at = r->orig_rax == __NR_pread64;

	c->regs = *r;
	c->data = malloc((size_t)r->rdx);
	if (!c->data)
		die("out of memory");
	c->ret = io_read_fd(m, c->data, (long)r->rdx, (long)r->r10, at);
	if (c->ret > 0 && mem_write(lead->tid, (uint64_t)r->rsi, c->data, (size_t)c->ret) < 0)
		c->ret = io_read_lost(m, c->ret, at);
	a->bytes += (size_t)r->rdx;
	a->n++;
	set->syscalls++;
	task_skip(lead, c->ret);
	task_resume(lead, 0);
	for (int i = 1; i < set->n && set->phase == PH_RUN; i++)
		if (set->t[i].state == T_ENTRY && a->taken[i] < a->n)
			take(set, &set->t[i]); /* it was waiting for this read */
}

/*
 * A stop of task t while the set runs: true when it was the leader's read
 * made ahead, or a variant's taking of one, or a variant parting from the
 * reads it owes; false when the stop is for the usual rendezvous.
 */
bool ahead_event(struct vset *set, struct task *t)
{
	struct ahead *a;

	if (set->phase != PH_RUN || set->p->exiting || set->dying)
		return false; /* an end (exit_group, SIGKILL) takes every variant wherever it is */
	if (t->idx == 0 && t->state == T_ENTRY && may_go_ahead(set)) {
		if (!set->ahead && !(set->ahead = calloc(1, sizeof(*set->ahead))))
			die("out of memory");
		lead_read(set, t);
		return true;
	}
	a = set->ahead;
	if (t->idx == 0 || !a || a->taken[t->idx] == a->n)
		return false;
	if (t->state == T_ENTRY) {
		take(set, t);
	} else {
		char why[64];

		snprintf(why, sizeof(why), "variant %d stopped otherwise", t->idx);
		parted(set, t, why);
	}
	return true;
}
