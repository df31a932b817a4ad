/*
 * solo.c - calls a variant makes on its own, without meeting the others.
 *
 * jemalloc (redis, rustc, cargo) counts allocations down to its next look
 * at the clock from a number drawn from a generator seeded with the
 * address of each thread's data: each variant reads the clock after
 * another allocation, and purges the pages it freed (madvise) at another
 * point. Neither call has an effect outside the variant, so neither needs
 * the others:
 *
 *  - madvise(MADV_DONTNEED or MADV_FREE) runs in the variant alone: it
 *    gives back pages of its own memory, which read as zeros (or as they
 *    were) afterwards; the outside world sees nothing.
 *  - clock_gettime of a coarse clock (CLOCK_MONOTONIC_COARSE,
 *    CLOCK_REALTIME_COARSE) is answered by the monitor without a
 *    rendezvous, with the time the monitor read at the set's first such
 *    read since its last rendezvous: a variant that reads it between the
 *    same two calls as another gets the same value; one that reads it
 *    elsewhere, another value, as its reading came at another point. A thread that reads it on and on without
 *    another call (a wait for the clock) gets the clock itself after
 *    SOLO_STALE reads, or it would wait for ever.
 *
 * And at a rendezvous where the variants are at different calls, those
 * at a call that touches only their own process (brk, mprotect of a
 * thread's malloc heap, a wait or wake of a futex in their own shared
 * memory, glibc's redraw of a random value)
 * make it alone, so that the others catch up (solo_catch_up, below;
 * private futex wakes: sched.c).
 *
 * The calls are still checked: another advice, another clock, or memory
 * that cannot be written goes to the rendezvous as any call does, and so
 * does a call of a thread that does not hold its turn (it could give back
 * pages another thread is using as that one runs).
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>

#include "chorus.h"
#include "signals.h"

#define SOLO_STALE 10000

/*
 * Coarse clock i for task t since its set's last call, as t sees it: read
 * at the set's first read alone after that call (the leader may be some
 * reads ahead of the others, and their reads there take its values).
 */
static struct timespec coarse_clock(struct vset *set, struct task *t, int i)
{
	uint64_t at = ahead_position(set, t);
	struct coarse_read *c;

	for (int k = 0; k < COARSE_KEPT; k++)
		if (set->coarse[k].at == at)
			return set->coarse[k].ts[i];
	c = &set->coarse[set->coarse_next++ % COARSE_KEPT];
	c->at = at;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &c->ts[0]);
	clock_gettime(CLOCK_REALTIME_COARSE, &c->ts[1]);
	for (int k = 0; k < set->n; k++)
		set->t[k].solo_reads = 0;
	return c->ts[i];
}

static bool solo_clock(struct vset *set, struct task *t)
{
	long clk = arg_get(&t->regs, 0);
	uint64_t at = (uint64_t)arg_get(&t->regs, 1);
	struct timespec now;
	int i = clk == CLOCK_MONOTONIC_COARSE ? 0 : 1;

	if ((clk != CLOCK_MONOTONIC_COARSE && clk != CLOCK_REALTIME_COARSE) || !at)
		return false;
	if (!set->syscalls)
		return false; /* the set has not met yet: the rendezvous answers it */
	now = coarse_clock(set, t, i);
	if (++t->solo_reads > SOLO_STALE)
		clock_gettime((clockid_t)clk, &now);
	if (mem_write(t->tid, at, &now, sizeof(now)) < 0)
		return false;
	task_skip(t, 0);
	return true;
}

/* t stopped at a syscall entry: true if it made its call alone, and runs on. */
bool solo_call(struct vset *set, struct task *t)
{
	long nr = (long)t->regs.orig_rax, advice = arg_get(&t->regs, 2);

	if (set->launching || !sched_holds_turn(set)) /* memory it gives back is other threads' too */
		return false;
	if (nr == __NR_madvise && (advice == MADV_DONTNEED || advice == MADV_FREE)) {
		if (opt.trace)
			fprintf(stderr, "chorus: [%d] variant %d: madvise(%#lx, %ld, %ld) alone\n", t->tid, t->idx,
				arg_get(&t->regs, 0), arg_get(&t->regs, 1), advice);
		task_resume(t, 0);
		return true;
	}
	if (nr == __NR_clock_gettime && solo_clock(set, t)) {
		task_resume(t, 0);
		return true;
	}
	return false;
}

/*
 * ---- calls some variants make where the others make another ----
 *
 * The value glibc's mkstemp draws from the stack address is rejected, now
 * and then, for being in the unfair top range of a 64-bit draw (one in
 * about 22), and then drawn again with getrandom(8 bytes, GRND_NONBLOCK):
 * in some variants only. Those variants are answered alone, so that every
 * variant arrives at the create, whose names are then reconciled
 * (sys/tmpname.c).
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

struct anon_q {
	unsigned long lo, hi; /* the part of the range not yet found */
	bool ok;
};

static bool anon_at(const struct mapping *m, void *arg)
{
	struct anon_q *q = arg;

	if (m->hi <= q->lo)
		return true;
	if (m->lo > q->lo || m->path[0] || m->perms[3] != 'p' || m->perms[2] == 'x')
		return false; /* a hole, a file, shared or code */
	q->lo = m->hi;
	q->ok = q->lo >= q->hi;
	return !q->ok;
}

/*
 * glibc grows (and shrinks) a thread's malloc heap by mprotect of pages
 * of the PROT_NONE reservation it made for it: at points that depend on
 * how much was allocated, which may depend on addresses (V8 hashes them).
 * mprotect to read-write or to nothing of private anonymous memory that
 * is not code touches only the variant's own memory.
 */
static bool heap_mprotect(const struct task *t)
{
	unsigned long addr = (unsigned long)arg_get(&t->regs, 0), len = (unsigned long)arg_get(&t->regs, 1);
	long prot = arg_get(&t->regs, 2);
	struct anon_q q = { addr, addr + len, false };

	if ((long)t->regs.orig_rax != __NR_mprotect || (prot != PROT_NONE && prot != (PROT_READ | PROT_WRITE)) ||
	    len == 0 || addr + len < addr)
		return false;
	maps_each(t->tid, anon_at, &q);
	return q.ok;
}

/* Every variant is at mprotect, not all with the same length and protection. */
bool mprotects_apart(const struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		if ((long)set->t[i].regs.orig_rax != __NR_mprotect)
			return false;
	for (int i = 1; i < set->n; i++)
		for (int a = 1; a < 3; a++)
			if (arg_get(&set->t[i].regs, a) != arg_get(&set->t[0].regs, a))
				return true;
	return false;
}

/*
 * brk grows or shrinks a variant's own heap, with no effect outside it,
 * and programs whose allocation order follows their own addresses (cc1's
 * pointer-keyed hash tables) grow it at different points in different
 * variants. A variant at brk, at a futex in shared memory or at a heap
 * mprotect (above), while others are elsewhere, makes it alone (a
 * thread's tid word, which pthread_join waits on without
 * FUTEX_PRIVATE_FLAG, is not shared: the monitor keeps that wait, once
 * every variant is at it).
 */
static bool solo(const struct task *t)
{
	return redraw(t) || (long)t->regs.orig_rax == __NR_brk || shared_mem_futex(t) || heap_mprotect(t);
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
bool solo_catch_up(struct vset *set)
{
	unsigned alone = 0;

	for (int i = 0; i < set->n; i++)
		alone |= solo(&set->t[i]) ? 1u << i : 0;
	if (!alone)
		return false;
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];
		uint64_t r;

		if (!(alone & (1u << i)))
			continue;
		if (shared_futex(t))
			watch_apart(set);
		if (!redraw(t)) {
			heap_place(t);
			task_resume(t, 0); /* brk, futex, mprotect: its own */
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
