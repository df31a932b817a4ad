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
 * The calls are still checked: another advice, another clock, or memory
 * that cannot be written goes to the rendezvous as any call does, and so
 * does a call of a thread that does not hold its turn (it could give back
 * pages another thread is using as that one runs).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "chorus.h"

#define SOLO_STALE 10000

/* Coarse clock i for the set since its last rendezvous: read at the first read alone after it. */
static struct timespec coarse_clock(struct vset *set, int i)
{
	if (set->coarse_at != set->syscalls) {
		clock_gettime(CLOCK_MONOTONIC_COARSE, &set->coarse[0]);
		clock_gettime(CLOCK_REALTIME_COARSE, &set->coarse[1]);
		set->coarse_at = set->syscalls;
		for (int k = 0; k < set->n; k++)
			set->t[k].solo_reads = 0;
	}
	return set->coarse[i];
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
	now = coarse_clock(set, i);
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
