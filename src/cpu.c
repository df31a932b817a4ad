/*
 * cpu.c - where the monitor and the variants run.
 *
 * In lockstep, each syscall is a round: every variant stops, the monitor
 * wakes, reads, compares and continues each. When the variants run on
 * other CPUs than the monitor, each stop and each continue wakes another
 * CPU, and on a virtual machine a CPU that went idle takes tens of
 * microseconds to wake (an interrupt through the hypervisor): that, not
 * the monitor's work, is most of a syscall's cost. On one CPU the same
 * round is a few context switches. But two variants of a job that
 * computes need two CPUs. So the monitor puts a process of the program
 * (every thread set of it: they take turns) on the CPU it is on, and
 * keeps to that CPU itself, while the process's rounds are short (its
 * variants meet again within SHORT_US, PIN_AFTER times in a row), and
 * lets it go back to every CPU once rounds grow (LONG_US, UNPIN_AFTER
 * times in a row: on one CPU the variants' work adds up), or once it has
 * not met for COMPUTE_US (it computes, and might for long before its
 * next syscall). The program sees the CPUs it was given
 * (sched_getaffinity).
 *
 * The monitor makes CPUID fault for itself too (when the CPU can): the
 * kernel switches that feature on and off, a model-specific register
 * write, whenever it switches between a task that has it and one that
 * does not, and on a virtual machine each such write is a trip through
 * the hypervisor. With the variants and the monitor alike, a switch
 * between them writes nothing. The monitor's own CPUID (an answer for a
 * variant, cpuid.c) turns it off around the instruction.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "chorus.h"
#include "signals.h"

#define SHORT_US 100
#define LONG_US 200
#define PIN_AFTER 8
#define UNPIN_AFTER 2
#define LOOK_MS 5	 /* while a process is pinned: how often the monitor looks at it */
#define COMPUTE_US 2000	 /* a pinned process that has not met for this long computes: it goes */

static cpu_set_t given; /* the CPUs chorus was given: the program's */
static cpu_set_t one;	/* the monitor's */
static bool colocate;	/* more than one CPU, and not --no-pin */
static bool self_faults; /* the monitor's CPUID faults */

static double tsc_per_us; /* 0: time is read from the clock, not the time-stamp counter */
static long long tsc_c0;  /* for the counter's rate: a first clock reading, or 0 */
static uint64_t tsc_t0;	  /* and the counter then */

static long long clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Microseconds, for the placement's measures: two readings a meeting, so
 * from the time-stamp counter once its rate is known, where the CPU says
 * it is invariant (on a VM whose vDSO clock is off, clock_gettime is a
 * syscall of its own). The rate is taken from the clock over the first
 * 10 ms of the run, without waiting for it.
 */
static long long now_us(void)
{
	long long c;

	if (tsc_per_us > 0)
		return (long long)((double)__rdtsc() / tsc_per_us);
	c = clock_us();
	if (tsc_c0 && c - tsc_c0 >= 10000)
		tsc_per_us = (double)(__rdtsc() - tsc_t0) / (double)(c - tsc_c0);
	return c;
}

/* Starts taking the counter's rate if it is invariant (CPUID 0x80000007, EDX bit 8). */
static void tsc_start(void)
{
	unsigned r[4];

	cpu_cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000007)
		return;
	cpu_cpuid(0x80000007, 0, r);
	if (!(r[3] & (1u << 8)))
		return;
	tsc_c0 = clock_us();
	tsc_t0 = __rdtsc();
}

/* Once the variants are started. */
void cpu_setup(void)
{
	if (syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0) == 0)
		self_faults = true;
	colocate = !opt.no_pin && sched_getaffinity(0, sizeof(given), &given) == 0 && CPU_COUNT(&given) > 1;
	if (colocate)
		tsc_start();
}

/* Runs CPUID in the monitor, which may have it fault for itself. */
void cpu_cpuid(unsigned leaf, unsigned sub, unsigned r[4])
{
	if (self_faults)
		syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1);
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
	if (self_faults)
		syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
}

static struct tick look;
static bool monitor_pinned;

/* Every LOOK_MS while a process is pinned (on) or not (off). */
static void looking(bool on)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (on)
		its.it_value.tv_nsec = its.it_interval.tv_nsec = LOOK_MS * 1000000L;
	tick_set(&look, 0, &its);
}

/*
 * The monitor keeps to the CPU it is on while some process is there with it
 * (pinned), and goes back to every CPU once none is: two variants that
 * compute keep both CPUs busy, and a monitor that may run on only one of
 * them waits there for its turn at each of their stops.
 */
static void pin_monitor(bool pinned)
{
	int here = sched_getcpu();

	if (pinned == monitor_pinned)
		return;
	if (pinned) {
		if (here < 0 || !CPU_ISSET(here, &given))
			for (here = 0; !CPU_ISSET(here, &given); here++)
				;
		CPU_ZERO(&one);
		CPU_SET(here, &one);
	}
	sched_setaffinity(0, sizeof(cpu_set_t), pinned ? &one : &given);
	monitor_pinned = pinned;
	looking(pinned);
}

/* Moves every task of one thread set to `where`. */
static void place_set(struct vset *set, const void *where)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_GONE)
			sched_setaffinity(set->t[i].tid, sizeof(cpu_set_t), where);
}

/* Moves a process, every thread set of it, to the monitor's CPU (pinned) or back. */
static void place(struct proc *p, bool pinned)
{
	if (pinned)
		pin_monitor(true);
	monitor_each_set(p, place_set, pinned ? &one : &given);
	p->pinned = pinned;
	p->streak = 0;
}

/*
 * At the monitor's ticks: a pinned process that has not met for
 * COMPUTE_US goes back to every CPU. True if it is (still) pinned.
 */
bool cpu_look(struct vset *set)
{
	struct proc *p = set->p;

	if (!p->pinned)
		return false;
	if (now_us() - p->met_at < COMPUTE_US)
		return true;
	place(p, false);
	return false;
}

/* After a look at every set: none pinned, the monitor goes too, and looks no more. */
void cpu_looked(bool any_pinned)
{
	if (colocate && !any_pinned)
		pin_monitor(false);
}

/* A thread set goes on to run the program's code after a meeting. */
void cpu_left(struct vset *set)
{
	if (colocate)
		set->p->left_at = now_us();
}

/*
 * Every variant of a thread set is at a syscall: was the round since a
 * set of its process last went on from a meeting short? (A round counts
 * what the variants ran, with reads made ahead, and their way to the
 * monitor; not the call before it, which was made before they went on:
 * a call the leader makes for all takes two stops, which on two CPUs
 * took longer than SHORT_US, and kept such a round from ever counting
 * short. The threads of a process take turns, so they are measured, and
 * placed, together.)
 */
void cpu_met(struct vset *set)
{
	struct proc *p = set->p;
	long long at, us;

	if (!colocate)
		return;
	at = now_us();
	us = at - p->left_at;
	p->met_at = at;
	if (!p->left_at)
		return; /* its first */
	if (!p->pinned && us < SHORT_US) {
		if (++p->streak >= PIN_AFTER)
			place(p, true);
	} else if (p->pinned && us > LONG_US) {
		if (++p->streak >= UNPIN_AFTER)
			place(p, false);
	} else {
		p->streak = 0;
	}
}

/*
 * sched_getaffinity of a process of the program: the CPUs it was given,
 * not the one the monitor may have put it on for now.
 */
void sys_getaffinity_post(struct vset *set, struct call *c)
{
	long pid = arg_get(&set->t[0].regs, 0);
	size_t len = sizeof(given);

	(void)c;
	if (!colocate || (pid != 0 && !monitor_set_by_vpid((pid_t)pid)))
		return;
	for (int k = 0; k < set->n; k++) {
		struct task *t = &set->t[k];
		long ret = (long)t->regs.rax;

		if (ret > 0 && (size_t)ret <= len)
			mem_write(t->tid, (uint64_t)arg_get(&t->regs, 2), &given, (size_t)ret);
	}
}
