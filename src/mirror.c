/* mirror.c - the other variants get a twin of each descriptor the leader's call made. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "chorus.h"

/* The descriptors a recvmsg received with SCM_RIGHTS, in the leader. */
static void received_fds(struct vset *set, struct call *c)
{
	struct task *lead = &set->t[0];
	unsigned char ctl[512];
	struct msghdr m;
	struct cmsghdr *h;

	if (mem_read(lead->tid, (uint64_t)arg_get(&lead->regs, 1), &m, sizeof(m)) != sizeof(m) ||
	    !m.msg_control || !m.msg_controllen)
		return;
	if (m.msg_controllen > sizeof(ctl))
		m.msg_controllen = sizeof(ctl);
	if (mem_read(lead->tid, (uint64_t)(uintptr_t)m.msg_control, ctl, m.msg_controllen) != (ssize_t)m.msg_controllen)
		return;
	m.msg_control = ctl;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		size_t n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t k = 0; k < n && c->nnew < (int)(sizeof(c->newfd) / sizeof(c->newfd[0])); k++)
			memcpy(&c->newfd[c->nnew++], CMSG_DATA(h) + k * sizeof(int), sizeof(int));
	}
}

/* Did the leader's successful call make descriptors the others must have too? */
bool mirror_wanted(struct vset *set)
{
	struct call *c = &set->call;

	c->nnew = 0;
	if (c->policy == RUN_FD) {
		c->newfd[0] = (int)c->ret;
		c->nnew = 1;
	} else if (c->nr == __NR_recvmsg) {
		received_fds(set, c);
	}
	return c->nnew > 0;
}

static bool opens(long nr)
{
	return nr == __NR_open || nr == __NR_openat || nr == __NR_creat;
}

/* A placeholder: an event fd stands where the leader has a pipe, socket or terminal. */
static void placeholder(struct task *t, bool cloexec)
{
	t->regs.orig_rax = __NR_eventfd2;
	t->regs.rdi = 0;
	t->regs.rsi = cloexec ? EFD_CLOEXEC : 0;
}

/*
 * An O_TMPFILE open makes a new file with no name, and a follower opening
 * the same directory would make another: it opens the leader's through
 * /proc/PID/fd/N instead, a path written below its stack's red zone
 * (a = the flags' argument). If that cannot be written, the check of the
 * twin's file reports it.
 */
static void reopen_tmpfile(struct vset *set, struct task *t, int a)
{
	char path[64];
	int len = snprintf(path, sizeof(path), "/proc/%d/fd/%d", set->t[0].tid, set->call.newfd[0]) + 1;
	uint64_t at = stack_put(t, path, (size_t)len);

	if (!at)
		return;
	if (a == 2)
		arg_set(&t->regs, 0, AT_FDCWD);
	arg_set(&t->regs, a - 1, (long)at);
	arg_set(&t->regs, a, arg_get(&t->regs, a) & ~(long)(O_TMPFILE | O_NOFOLLOW)); /* the link is followed */
}

/* Step 0 is the follower's own call, changed; later steps are made again from its exit. */
static void setup_step(struct vset *set, struct task *t)
{
	struct call *c = &set->call;
	bool cloexec = fd_cloexec(set->t[0].tid, c->newfd[t->step]);

	t->regs = t->saved;
	if (t->step > 0) {
		placeholder(t, cloexec);
		regs_redo(&t->regs);
	} else if (c->newfd_kind == MIRROR_REOPEN && c->nr == __NR_creat) {
		t->regs.orig_rax = __NR_open;
		t->regs.rsi = O_WRONLY | (cloexec ? O_CLOEXEC : 0);
	} else if (c->newfd_kind == MIRROR_REOPEN) {
		int a = c->nr == __NR_openat ? 2 : 1;

		if ((arg_get(&t->regs, a) & O_TMPFILE) == O_TMPFILE)
			reopen_tmpfile(set, t, a);
		arg_set(&t->regs, a, arg_get(&t->regs, a) & ~(long)(O_CREAT | O_EXCL | O_TRUNC));
	} else {
		placeholder(t, cloexec);
	}
	regs_put(t);
}

/*
 * A file, a directory or a harmless device is opened again by each variant
 * (so that mmap works everywhere); anything else gets a placeholder, since
 * only the leader ever does I/O on it.
 */
static void mirror_begin(struct vset *set)
{
	struct call *c = &set->call;

	c->newfd_kind = opens(c->nr) ? fd_mirror_kind(set->t[0].tid, c->newfd[0]) : MIRROR_PLACEHOLDER;
	for (int i = 1; i < set->n; i++) {
		struct task *t = &set->t[i];

		task_substitute(t);
		t->step = 0;
		setup_step(set, t);
		task_resume_syscall(t);
	}
	set->phase = PH_FOLLOW;
}

/* Variant t makes the call nr(a, b, c) in place of its own, from its exit stop. */
static void step_call(struct task *t, long nr, long a, long b, long c)
{
	t->regs = t->saved;
	t->regs.orig_rax = (unsigned long)nr;
	arg_set(&t->regs, 0, a);
	arg_set(&t->regs, 1, b);
	arg_set(&t->regs, 2, c);
	regs_redo(&t->regs);
	regs_put(t);
	task_resume(t, 0);
}

/*
 * Variant t's twin came out at another number than the leader's: a thread
 * of the leader made a descriptor meanwhile (an accept that returned while
 * another thread opened a file), whose twin is not made yet. The twin is
 * moved to the leader's number (dup3, then close). True when t's twin is
 * where it belongs; false while it moves, or on a divergence.
 */
static bool moved(struct vset *set, struct task *t, long got)
{
	int want = set->call.newfd[t->step];

	if (t->moving > 0) {
		int from = t->moving - 1;

		if (got != want)
			goto fail;
		t->moving = -(from + 1);
		step_call(t, __NR_close, from, 0, 0);
		return false;
	}
	if (t->moving < 0) {
		t->moving = 0;
		return true;
	}
	if (got == want)
		return true;
	if (got < 0 || fd_in_use(t->tid, want))
		goto fail;
	t->moving = (int)got + 1;
	step_call(t, __NR_dup3, got, want, fd_cloexec(set->t[0].tid, want) ? O_CLOEXEC : 0);
	return false;
fail:
	vset_diverge(set, "variant %d could not mirror descriptor %d (got %ld)", t->idx, want, got);
	return false;
}

/*
 * One thread set at a time mirrors descriptors in a process: a twin takes
 * the lowest free number, or is moved to its leader's (moved()), and two
 * sets making twins at once could each take the other's number.
 */
void mirror_start(struct vset *set)
{
	struct proc *p = set->p;

	if (p->mirroring && p->mirroring != set) {
		set->mirror_wait = true;
		set->phase = PH_FOLLOW;
		return;
	}
	p->mirroring = set;
	mirror_begin(set);
}

static void mirror_end(struct vset *set)
{
	struct proc *p = set->p;
	struct vset *next = monitor_mirror_waiting(p);

	p->mirroring = NULL;
	if (next) {
		next->mirror_wait = false;
		mirror_start(next);
	}
}

/* True once every other variant has all its twins; false while some still work. */
bool mirror_done(struct vset *set)
{
	struct call *c = &set->call;
	bool done = true;

	if (set->mirror_wait)
		return false; /* not begun: stops of its tasks now are not steps */

	for (int i = 1; i < set->n; i++) {
		struct task *t = &set->t[i];
		long got = (long)t->regs.rax;

		if (t->state == T_ENTRY) { /* the next step arrived at its entry */
			task_resume_syscall(t);
			done = false;
			continue;
		}
		if (t->state != T_EXIT) {
			vset_diverge(set, "variant %d ended while mirroring a descriptor", i);
			return false;
		}
		if (t->step == c->nnew)
			continue;
		if (!moved(set, t, got)) {
			if (set->phase == PH_DONE)
				return false;
			done = false;
			continue;
		}
		got = c->newfd[t->step];
		if (t->step == 0 && c->newfd_kind == MIRROR_REOPEN && !fd_same_file(set->t[0].tid, t->tid, (int)got)) {
			vset_diverge(set, "descriptor %ld names another file in variant %d", got, i);
			return false;
		}
		if (++t->step < c->nnew) {
			setup_step(set, t);
			task_resume(t, 0);
			done = false;
		}
	}
	if (done)
		mirror_end(set);
	return done;
}
