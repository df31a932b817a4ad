/* sys/tmpname.c - a new temporary file's name: the leader's choice, in every variant. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "../blob.h"
#include "../signals.h"

/*
 * mkstemp and mkdtemp in glibc name the new file from a value seeded with
 * the address of a local variable (and the clock), before any getrandom:
 * with the stack elsewhere in each variant, each picks another name, and
 * gcc, sort, sed -i and the like would diverge for that alone. As for
 * getrandom, the leader's choice is made every variant's: when the names
 * of an exclusive create differ only in at most six letters or digits of
 * their last component, the leader's name is written over the other
 * variant's, before the call is compared. Any other difference is still a
 * divergence.
 */
#define RANDOM_CHARS 6

static bool random_part(const struct blob *a, const struct blob *b)
{
	size_t first = a->n, last = 0;

	if (a->n != b->n || a->null || b->null || a->fault || b->fault)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->p[i] != b->p[i]) {
			if (!isalnum(a->p[i]) || !isalnum(b->p[i]))
				return false;
			if (first == a->n)
				first = i;
			last = i;
		}
	if (first == a->n || last - first >= RANDOM_CHARS)
		return false;
	return !memchr(a->p + first, '/', a->n - first);
}

/* The path argument of an exclusive create, or -1. */
static int created_path(struct vset *set, long nr)
{
	long flags;

	switch (nr) {
	case __NR_mkdir: return 0;
	case __NR_mkdirat: return 1;
	case __NR_open: flags = arg_get(&set->t[0].regs, 1); return (flags & O_CREAT) && (flags & O_EXCL) ? 0 : -1;
	case __NR_openat: flags = arg_get(&set->t[0].regs, 2); return (flags & O_CREAT) && (flags & O_EXCL) ? 1 : -1;
	}
	return -1;
}

void tmpname_reconcile(struct vset *set, struct call *c)
{
	int i = created_path(set, c->nr);
	struct blob lead, other;

	if (i < 0)
		return;
	blob_load(&lead, &set->t[0], &c->arg[i], i);
	for (int v = 1; v < set->n; v++) {
		blob_load(&other, &set->t[v], &c->arg[i], i);
		if (random_part(&lead, &other))
			mem_write(set->t[v].tid, (uint64_t)arg_get(&set->t[v].regs, i), lead.p, lead.n);
		blob_free(&other);
	}
	blob_free(&lead);
}

/*
 * The value glibc draws from the stack address is rejected, now and then,
 * for being in the unfair top range of a 64-bit draw (one in about 22), and
 * then drawn again with getrandom(8 bytes, GRND_NONBLOCK): in some variants
 * only. Those variants are answered alone, so that every variant arrives at
 * the create, whose names are then reconciled as above.
 */
static bool redraw(const struct task *t)
{
	return (long)t->regs.orig_rax == __NR_getrandom && arg_get(&t->regs, 1) == 8 &&
	       arg_get(&t->regs, 2) == GRND_NONBLOCK;
}

/*
 * A futex on memory shared with other processes (no FUTEX_PRIVATE_FLAG):
 * each variant's processes share their own copy of it (their own
 * MAP_SHARED memory, their own /dev/shm), and whether a semaphore's wait
 * or post needs the kernel depends on how far the other process got: in
 * some variants only. It only waits or wakes, with no effect outside.
 */
static bool shared_futex(const struct task *t)
{
	return (long)t->regs.orig_rax == __NR_futex && !(arg_get(&t->regs, 1) & FUTEX_PRIVATE_FLAG);
}

/*
 * A variant waiting alone in a shared futex is woken by its own twin of
 * the process that posts. If that never comes, the variants' processes
 * took a shared lock in different orders (two workers racing for it) and
 * each variant now waits for the other: a deadlock the monitor cannot
 * undo. After APART_LIMIT seconds apart it is reported as a divergence.
 */
#define APART_LIMIT 5

static time_t monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1; /* never 0 */
}

static void watch_apart(struct vset *set)
{
	static struct tick timer;
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };

	if (set->apart_since)
		return;
	set->apart_since = monotonic_s();
	if (!timer.made)
		tick_set(&timer, 0, &its);
}

bool apart_too_long(struct vset *set)
{
	if (!set->apart_since || monotonic_s() - set->apart_since < APART_LIMIT || set->phase == PH_DONE)
		return false;
	vset_diverge(set, "the variants wait apart on memory shared between processes: their processes took a "
			  "shared lock in different orders (not supported)");
	return true;
}

/*
 * brk grows or shrinks a variant's own heap, with no effect outside it,
 * and programs whose allocation order follows their own addresses (cc1's
 * pointer-keyed hash tables) grow it at different points in different
 * variants. A variant at brk, or at a futex in shared memory, while
 * others are elsewhere makes it alone (a thread's tid word, which
 * pthread_join waits on without FUTEX_PRIVATE_FLAG, is not shared: the
 * monitor keeps that wait, once every variant is at it).
 */
static bool solo(const struct task *t)
{
	uint64_t addr = (uint64_t)arg_get(&t->regs, 0);

	return redraw(t) || (long)t->regs.orig_rax == __NR_brk || (shared_futex(t) && maps_shared(t->tid, &addr));
}

/* Every variant is at a shared futex, not all with the same arguments. */
bool futex_apart(const struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		if (!shared_futex(&set->t[i]))
			return false;
	for (int i = 1; i < set->n; i++)
		for (int a = 1; a < 6; a++) /* the operation and the values it uses; not addresses */
			if ((a == 1 || futex_uses_value(arg_get(&set->t[0].regs, 1), a)) &&
			    (uint32_t)arg_get(&set->t[i].regs, a) != (uint32_t)arg_get(&set->t[0].regs, a))
				return true;
	return false;
}

/* Some variants are at a call they may make alone: let them; false if none is. */
bool tmpname_catch_up(struct vset *set)
{
	int at = 0;

	for (int i = 0; i < set->n; i++)
		at += solo(&set->t[i]);
	if (at == 0)
		return false;
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];
		uint64_t r;

		if (!solo(t))
			continue;
		if (shared_futex(t))
			watch_apart(set);
		if (!redraw(t)) {
			heap_place(t);
			task_resume(t, 0); /* brk, futex: its own */
			continue;
		}
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r) ||
		    mem_write(t->tid, (uint64_t)arg_get(&t->regs, 0), &r, sizeof(r)) < 0)
			return false;
		task_skip(t, sizeof(r));
		task_resume(t, 0);
	}
	return true;
}

void sys_mkdir_pre(struct vset *set, struct call *c)
{
	tmpname_reconcile(set, c);
	sys_names_pre(set, c);
}
