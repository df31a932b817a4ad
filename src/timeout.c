/*
 * timeout.c - a blocking call with a time-out that a signal interrupted
 * waits, when made again, only for what was left of its time-out.
 *
 * The kernel queues a signal for a traced task even when the program
 * ignores it (SIGCHLD, SIGWINCH by default), so a sleep, poll or
 * epoll_wait the leader makes for every variant is interrupted where,
 * natively, nothing would have happened. The monitor makes such a call
 * again (see restart_call), and the kernel's own restart of nanosleep or
 * poll, which keeps the deadline, cannot serve: the signal is delivered
 * to every variant first, at the call's entry. So the monitor keeps the
 * deadline of each such call from its start, and the leader's call made
 * again is given the time left, in its register (milliseconds) or in a
 * timespec below the red zone of its stack. epoll_wait and
 * rt_sigtimedwait return EINTR rather than a restart code; when only
 * ignored signals are pending, that EINTR is not the program's to see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "chorus.h"
#include "signals.h"

/* The time-out argument of the set's current call, or -1. */
static int timeout_arg(const struct vset *set)
{
	const struct call *c = &set->call;

	if (c->policy != RUN_ONCE)
		return -1;
	if (c->nr == __NR_clock_nanosleep) {
		long clk = arg_get(&set->t[0].regs, 0);

		if ((arg_get(&set->t[0].regs, 1) & TIMER_ABSTIME) ||
		    (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME && clk != CLOCK_TAI))
			return -1; /* an absolute time, or a CPU clock: nothing to shorten */
	}
	for (int i = 0; i < c->nargs; i++)
		if (c->arg[i].timeout)
			return i;
	return -1;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* The time-out the leader asks for, in ns; false if it waits for ever (or cannot be read). */
static bool asked(const struct vset *set, int i, long long *ns)
{
	const struct task *lead = &set->t[0];
	uint64_t p = (uint64_t)arg_get(&lead->regs, i);
	struct timespec ts;

	if (set->call.arg[i].kind != A_INS) {
		int ms = (int)arg_get(&lead->regs, i);

		*ns = ms * 1000000LL;
		return ms >= 0;
	}
	if (!p || mem_read(lead->tid, p, &ts, sizeof(ts)) != sizeof(ts) || ts.tv_sec < 0 || ts.tv_nsec < 0 ||
	    ts.tv_nsec >= 1000000000L)
		return false;
	*ns = ns_of(&ts);
	return true;
}

/* Gives the leader's call `left` ns instead of its own time-out. */
static void give_left(struct vset *set, int i, long long left)
{
	struct task *lead = &set->t[0];
	struct timespec ts = { (time_t)(left / 1000000000LL), (long)(left % 1000000000LL) };
	uint64_t at;

	if (set->call.arg[i].kind != A_INS) {
		task_substitute(lead);
		arg_set(&lead->regs, i, (long)((left + 999999) / 1000000));
	} else if ((at = stack_put(lead, &ts, sizeof(ts))) != 0) {
		task_substitute(lead);
		arg_set(&lead->regs, i, (long)at);
	} else {
		return; /* no room on its stack: the whole time-out again */
	}
	regs_put(lead);
}

/* At the call's start, after comparison: its deadline, or the time left of a call made again. */
void timeout_begin(struct vset *set)
{
	struct timeout *t = &set->tmo;
	int i = timeout_arg(set);
	struct timespec now;
	long long ns;

	if (i < 0) {
		t->again = t->armed = false;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (t->again && t->armed && t->nr == set->call.nr) {
		long long left = t->end - ns_of(&now);

		give_left(set, i, left > 0 ? left : 0);
	} else if (asked(set, i, &ns)) {
		t->end = ns_of(&now) + ns;
		t->nr = set->call.nr;
		t->armed = true;
	} else {
		t->armed = false;
	}
	t->again = false;
}

/* The leader's call is to be made again after a signal: with the time it had left. */
void timeout_again(struct vset *set)
{
	set->tmo.again = set->tmo.armed && set->tmo.nr == set->call.nr;
}

/*
 * The leader's call with a time-out returned EINTR: true when only
 * signals the program ignores are pending there, kept by the monitor or
 * queued, which would not have woken it natively.
 */
bool timeout_eintr_spurious(struct vset *set)
{
	struct sigmasks m;
	uint64_t pend;

	if (timeout_arg(set) < 0 || !proc_sigmasks(set->t[0].tid, &m))
		return false;
	pend = (m.pending | m.shared) & ~m.blocked;
	for (int k = 0; k < set->npend; k++)
		pend |= 1ull << (set->pend[k].signo - 1);
	if (!pend)
		return false;
	for (int s = 1; s <= 64; s++)
		if ((pend & (1ull << (s - 1))) && !signal_ignored(set, s))
			return false;
	return true;
}
