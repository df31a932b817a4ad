/* signals.c - asynchronous signals: kept by the monitor, delivered to every variant at one point. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "chorus.h"
#include "signals.h"

static struct vset *root;
static siginfo_t forwarded[65];
static struct sigaction inherited[65];
static sigset_t inherited_mask;

/* Signals sent to chorus itself that belong to the program. */
static const int forward[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH };

/* Hands a signal chorus got to the leader; the monitor sees it there. */
static volatile sig_atomic_t arrived, ends_chorus;

static void on_signal(int s, siginfo_t *si, void *uc)
{
	(void)uc;
	forwarded[s] = *si;
	arrived = 1;
	if (root && root->t[0].state != T_GONE)
		kill(root->t[0].tid, s); /* to the process: a thread able to take it does */
	else if (s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT)
		ends_chorus = 1;
}

static void on_timer(int s)
{
	(void)s;
}

void signals_install_monitor(struct vset *set)
{
	struct sigaction sa;

	root = set;
	sigprocmask(SIG_SETMASK, NULL, &inherited_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO; /* waitpid returns: see signals_arrived() */
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(forward) / sizeof(forward[0]); i++) {
		int s = forward[i];

		sigaction(s, NULL, &inherited[s]);
		if (inherited[s].sa_handler != SIG_IGN)
			sigaction(s, &sa, NULL);
	}
	sigaction(SIGPIPE, NULL, &inherited[SIGPIPE]);
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_timer;
	sa.sa_flags = 0; /* no SA_RESTART: waitpid returns, the loop looks at the time-outs */
	sigaction(SIG_TIMER, &sa, NULL);
}

/*
 * A signal chorus got went to the program's first process, where a
 * thread that does not block it takes it. Threads the monitor keeps in
 * futex waits cannot: they wake up, so that one of them may.
 */
void signals_arrived(void)
{
	if (!arrived || !root)
		return;
	arrived = 0;
	futex_wake_all(root->p);
	/*
	 * The first process has ended, only what it left running (a daemon)
	 * keeps chorus: a signal to end chorus has no process of the program
	 * to go to, and ends chorus, with the program's status, and so them.
	 */
	if (ends_chorus && root->phase == PH_DONE)
		monitor_finish(root->exit_status);
}

/* In a new variant, before exec: the dispositions chorus was given. */
void signals_child_reset(void)
{
	for (size_t i = 0; i < sizeof(forward) / sizeof(forward[0]); i++)
		sigaction(forward[i], &inherited[forward[i]], NULL);
	sigaction(SIGPIPE, &inherited[SIGPIPE], NULL);
	sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
}

/* Sets timer t (TIMER_ABSTIME or 0 in flags); it raises SIG_TIMER. */
void tick_set(struct tick *t, int flags, const struct itimerspec *its)
{
	if (!t->made) {
		struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIG_TIMER };

		if (timer_create(CLOCK_MONOTONIC, &ev, &t->id) < 0)
			die("timer_create: %s", strerror(errno));
		t->made = true;
	}
	timer_settime(t->id, flags, its, NULL);
}

/* Milliseconds from a to b. */
long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* True at most once every ms milliseconds (last: when it last was). */
bool tick_due(struct timespec *last, long ms)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ms_between(last, &now) < ms)
		return false;
	*last = now;
	return true;
}

/*
 * The kernel delivers a signal only to a task that runs: one the monitor
 * holds stopped at a call (a futex wait, a send) keeps it. Should the
 * monitor let such a thread set go? Yes for a signal to that thread it
 * does not block; for a signal to its process, only the first set asked
 * in a round (the kernel gives it to one thread: the main one when it
 * can, so main threads are asked first, see signals_look()). A thread's own status is read
 * only when its process has a signal pending, or in one round of ten (a
 * signal for one thread: tgkill, a timer aimed at it).
 */
bool signal_for_held(struct vset *set, unsigned round)
{
	struct proc *p = set->p;
	struct sigmasks m;
	bool read = false;

	if (p->looked != round) { /* the first of its process in this round */
		p->looked = round;
		p->taken = false;
		read = proc_sigmasks(set->t[0].tid, &m);
		p->shared = m.shared != 0;
	}
	if (!p->shared && round % 10)
		return false;
	if (!read && !proc_sigmasks(set->t[0].tid, &m))
		return false;
	if (m.pending & ~m.blocked)
		return true;
	if (!(m.shared & ~m.blocked) || p->taken)
		return false;
	p->taken = true;
	return true;
}

/* Every SIGNAL_LOOK ms (the monitor's ticks call it): held threads with a signal go. */
void signals_look(void)
{
	static struct timespec last;
	static unsigned round;

	if (!tick_due(&last, SIGNAL_LOOK))
		return;
	if (++round == 0)
		round = 1; /* 0 is a process's "never looked" */
	for (int mains = 1; mains >= 0; mains--) { /* main threads first, then the others */
		pipe_writes_signalled(round, mains);
		futex_waits_signalled(round, mains);
	}
}

void signal_queue(struct task *t, int s, long magic)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = s;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_ptr = (void *)magic;
	if (syscall(SYS_rt_tgsigqueueinfo, t->tgid, t->tid, s, &si) < 0 && errno != ESRCH)
		die("cannot queue signal %d to %d: %s", s, t->tid, strerror(errno));
}

static long magic_of(const siginfo_t *si)
{
	if (si->si_code != SI_QUEUE || si->si_pid != getpid())
		return 0;
	return (long)si->si_value.sival_ptr & 0xffffffffL;
}

/* Faults the CPU raised: these happen at one instruction, not "some time". */
static bool is_fault(int s, const siginfo_t *si)
{
	bool sync = s == SIGSEGV || s == SIGBUS || s == SIGILL || s == SIGFPE || s == SIGTRAP || s == SIGSYS;

	return sync && si->si_code > 0;
}

static bool is_rdtsc(struct task *t)
{
	unsigned char insn[3];

	if (mem_read(t->tid, t->regs.rip, insn, 3) < 2 || insn[0] != 0x0f)
		return false;
	if (insn[1] == 0x31)
		t->rdtscp = 0;
	else if (insn[1] == 0x01 && insn[2] == 0xf9)
		t->rdtscp = 1;
	else
		return false;
	return true;
}

static bool default_ignored(int s)
{
	return s == SIGCHLD || s == SIGCONT || s == SIGURG || s == SIGWINCH;
}

/* Does the program ignore signal s, by SIG_IGN or by default? */
bool signal_ignored(const struct vset *set, int s)
{
	uint64_t bit = 1ull << (s - 1);

	return (set->p->sig.ignored & bit) || (!(set->p->sig.handled & bit) && default_ignored(s));
}

static bool default_stops(int s)
{
	return s == SIGSTOP || s == SIGTSTP || s == SIGTTIN || s == SIGTTOU;
}

/*
 * A signal that would kill the program right away kills every variant
 * right away; the program's exit status is that signal's.
 */
static void fatal(struct vset *set, struct task *from, int s)
{
	set->fatal_sig = s;
	set->p->exiting = true;
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];

		if (t == from || t->state == T_GONE)
			continue;
		syscall(SYS_tgkill, t->tgid, t->tid, s);
		if (t->gstopped) /* stopped, it would take the signal only once continued */
			syscall(SYS_tgkill, t->tgid, t->tid, SIGCONT);
		fatal_release(set, t);
	}
	task_resume(from, s);
}

/*
 * While a killing signal takes the set, a stopped variant goes on without
 * making its call, so that the signal reaches it: it dies of that signal,
 * as its parent will see.
 */
void fatal_release(struct vset *set, struct task *t)
{
	(void)set;
	switch (t->state) {
	case T_ENTRY:
		task_skip(t, -EINTR);
		task_resume(t, 0);
		break;
	case T_EXIT: case T_FAULT: case T_RDTSC: case T_FORKED: case T_NEW:
		task_resume(t, 0);
		break;
	default:
		break;
	}
}

/* Like the kernel: a standard signal is pending once, real-time ones queue. */
static void pending_add(struct vset *set, int s, const siginfo_t *si)
{
	for (int i = 0; i < set->npend && s < 32; i++)
		if (set->pend[i].signo == s)
			return;
	if (set->npend == MAX_PENDING)
		return;
	set->pend[set->npend].signo = s;
	set->pend[set->npend].si = *si;
	set->npend++;
}

/*
 * A SIGCONT reached one variant's process: what the kernel does when one
 * is sent (stop signals queued are dropped, a stop taken but not yet made
 * is not made, a stopped process goes on) is done in the other variants'
 * too, by a SIGCONT the monitor queues there and drops when it comes.
 * Their own stops may be at any of those points: one the monitor
 * delivered for all may have come before or after the SIGCONT.
 */
void signal_continue_twins(struct vset *set, struct task *from)
{
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];

		if (t == from || t->state == T_GONE)
			continue;
		t->gstopped = false;
		signal_queue(t, SIGCONT, MAGIC_INTERRUPT);
	}
}

static bool is_cont(int s)
{
	return s == SIGCONT;
}

/* Drops the kept signals `which` selects. */
static void pending_drop(struct vset *set, bool (*which)(int))
{
	int k = 0;

	for (int i = 0; i < set->npend; i++)
		if (!which(set->pend[i].signo))
			set->pend[k++] = set->pend[i];
	set->npend = k;
}

/*
 * Before a kept stop signal is delivered: a SIGCONT sent to a variant
 * since, still queued there, discards it, as it would have natively.
 */
void signals_drop_stale_stops(struct vset *set)
{
	bool stops = false;

	for (int i = 0; i < set->npend; i++)
		stops |= default_stops(set->pend[i].signo);
	for (int k = 0; stops && k < set->n; k++) {
		struct sigmasks m;

		if (proc_sigmasks(set->t[k].tid, &m) && ((m.pending | m.shared) & (1ull << (SIGCONT - 1)))) {
			pending_drop(set, default_stops);
			return;
		}
	}
}

/* A signal chorus got and handed on to the leader: what chorus was sent. */
static void as_forwarded(int s, siginfo_t *si)
{
	if (si->si_pid == getpid() && (si->si_code == SI_TKILL || si->si_code == SI_USER))
		*si = forwarded[s];
}

static void async_signal(struct vset *set, struct task *t, int s, siginfo_t *si)
{
	uint64_t bit = 1ull << (s - 1);

	as_forwarded(s, si);
	/*
	 * Like the kernel when each is sent: SIGCONT discards the stop
	 * signals pending, a stop signal a pending SIGCONT. A stop the
	 * monitor keeps would otherwise stop the program after its SIGCONT.
	 */
	if (s == SIGCONT || default_stops(s))
		pending_drop(set, s == SIGCONT ? default_stops : is_cont);
	if (s == SIGCONT)
		signal_continue_twins(set, t);
	if (signal_ignored(set, s)) {
		task_resume(t, 0);
		return;
	}
	if (!(set->p->sig.handled & bit) && !default_stops(s)) {
		fatal(set, t, s);
		return;
	}
	task_resume(t, 0);
	pending_add(set, s, si);
	vset_interrupt(set, t, s);
}

/* The signals queued in task t (each bit: signal number - 1). */
static uint64_t queued_set(const struct task *t)
{
	unsigned counts[65];
	uint64_t queued = 0;

	queued_counts(t, counts);
	for (int s = 1; s <= 64; s++)
		if (counts[s])
			queued |= 1ull << (s - 1);
	return queued;
}

/* The signals the program has a handler for (SIGCONT aside: see async_signal()). */
static uint64_t handled_signals(const struct vset *set)
{
	return set->p->sig.handled & ~set->p->sig.ignored & ~(1ull << (SIGCONT - 1));
}

/*
 * A call the leader made for every variant came back there with a
 * signal queued that the program handles and does not block (a child's
 * SIGCHLD as wait4 returns): natively the handler runs as the call
 * returns, before the program's next step (python's handler prints
 * before the line after os.waitpid). True if so: the leader goes on to
 * take it while the others wait at the end of their call, and all take
 * it there (signal_at_return()).
 */
bool signal_due_at_return(struct vset *set)
{
	struct task *lead = &set->t[0];
	uint64_t want = handled_signals(set), queued, blocked = 0;

	if (!want || lead->state != T_EXIT || sched_threaded(set))
		return false;
	queued = queued_set(lead);
	if (!(queued & want) || ptrace(PTRACE_GETSIGMASK, lead->tid, sizeof(blocked), &blocked) < 0)
		return false;
	return (queued & want & ~blocked) != 0;
}

/*
 * Of the signals in `unblocked`, is one the program handles queued in the
 * leader (sent from outside while the program blocked it)? Then a call
 * that unblocks them has it delivered as it returns, natively.
 */
bool signal_queued_for(struct vset *set, uint64_t unblocked)
{
	uint64_t want = handled_signals(set) & unblocked;

	for (int s = 1; s <= 64; s++)
		if (set->t[0].expect[s]) /* each variant sent its own: each kernel delivers it */
			want &= ~(1ull << (s - 1));
	return want && !sched_threaded(set) && (queued_set(&set->t[0]) & want);
}

/*
 * The leader stopped to take a signal after a call made for all: the
 * one signal_due_at_return() saw is delivered in every variant at that
 * call's return. True if done; if the stop is another one, the others
 * go on and the stop is taken as any other.
 */
static bool signal_at_return(struct vset *set, struct task *t, int s, siginfo_t *si)
{
	if (set->phase != PH_RETSIG || t != &set->t[0])
		return false;
	if (magic_of(si) || is_fault(s, si) || !(handled_signals(set) & (1ull << (s - 1))) || t->expect[s]) {
		vset_release_followers(set); /* t->expect: each variant has its own (raise) */
		return false;
	}
	as_forwarded(s, si);
	ptrace(PTRACE_SETSIGINFO, t->tid, 0, si);
	vset_deliver_at_return(set, s, si);
	return true;
}

/*
 * Has t to deliver signal s, which the monitor keeps in delivery slot
 * slot. A standard signal t has queued already (its own child's
 * SIGCHLD) stands for it, as the kernel would merge the two: t takes
 * that one, with the kept siginfo (signal_stop()).
 */
void signal_deliver(struct task *t, int s, unsigned slot)
{
	unsigned counts[65];

	t->deliver[s] = (int16_t)(slot + 1);
	if (s < SIGRTMIN) {
		queued_counts(t, counts);
		if (counts[s])
			return;
	}
	signal_queue(t, s, MAGIC_DELIVER | (long)slot << 32);
}

/* A signal-delivery stop of one variant. */
void signal_stop(struct vset *set, struct task *t, int sig)
{
	siginfo_t si;
	long magic;
	bool merged;

	if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) < 0 || (set->fatal_sig && sig == set->fatal_sig)) {
		task_resume(t, sig);
		return;
	}
	if (signal_at_return(set, t, sig, &si))
		return;
	magic = magic_of(&si);
	/*
	 * A standard signal queued twice is pending once: an interrupt queued
	 * earlier, or one of the variant's own, may stand for a delivery
	 * queued later. Deliver it then.
	 */
	merged = t->deliver[sig] && (magic == MAGIC_INTERRUPT || (!magic && sig < SIGRTMIN && !is_fault(sig, &si)));
	if (magic == MAGIC_DELIVER || merged) {
		unsigned slot = magic == MAGIC_DELIVER ?
			(unsigned)((unsigned long)si.si_value.sival_ptr >> 32) % MAX_PENDING :
			(unsigned)(t->deliver[sig] - 1) % MAX_PENDING;

		if (t->deliver[sig] == (int16_t)(slot + 1))
			t->deliver[sig] = 0;
		si = set->delivering[slot];
		notice_value(set->p, (int)(t - set->t), &si);
		ptrace(PTRACE_SETSIGINFO, t->tid, 0, &si);
		task_resume(t, sig);
	} else if (magic == MAGIC_INTERRUPT) {
		task_resume(t, 0);
	} else if (t->expect[sig]) {
		t->expect[sig]--;
		if (si.si_pid == t->tid && t->tid != set->p->main->vpid) { /* sent by itself: as the leader */
			si.si_pid = set->p->main->vpid;
			ptrace(PTRACE_SETSIGINFO, t->tid, 0, &si);
		}
		task_resume(t, sig);
	} else if (sig == SIGSEGV && si.si_code == SI_KERNEL && cpuid_emulate(t)) {
		return;
	} else if (t != &set->t[0] && sig == SIGCHLD && si.si_code > 0) {
		/*
		 * The kernel's word that a follower's own child changed state:
		 * the leader's twin of that child brings the leader its own,
		 * which every variant takes (signal_deliver()). Kept, this one
		 * could come first, and every variant would see this child's
		 * pid, not the one the program knows.
		 */
		task_resume(t, 0);
	} else if (is_fault(sig, &si) || (sig == SIGSEGV && si.si_code == SI_KERNEL)) {
		regs_get(t);
		t->si = si;
		t->state = sig == SIGSEGV && si.si_code == SI_KERNEL && is_rdtsc(t) ? T_RDTSC : T_FAULT;
		vset_event(set, t);
	} else {
		async_signal(set, t, sig, &si);
	}
}

/* After execve: handlers are gone, ignored signals stay ignored. */
void signals_after_exec(struct vset *set)
{
	struct sigmasks m;

	set->p->sig.handled = set->p->sig.restart = 0;
	proc_sigmasks(set->t[0].tid, &m);
	set->p->sig.ignored = m.ignored;
}

void sys_sigaction_record(struct vset *set, int s, uint64_t handler, uint64_t flags)
{
	uint64_t bit = 1ull << (s - 1);

	set->p->sig.handled &= ~bit;
	set->p->sig.ignored &= ~bit;
	set->p->sig.restart &= ~bit;
	if (handler == (uint64_t)(uintptr_t)SIG_IGN)
		set->p->sig.ignored |= bit;
	else if (handler != (uint64_t)(uintptr_t)SIG_DFL)
		set->p->sig.handled |= bit;
	if (flags & SA_RESTART)
		set->p->sig.restart |= bit;
}
