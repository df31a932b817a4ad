/* vset.c - a variant set: its tasks meet at every syscall and go on together. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#include "blob.h"
#include "chorus.h"
#include "signals.h"

/* Restart codes a syscall returns when a signal interrupted it. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

struct task *vset_find(struct vset *set, pid_t tid)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].tid == tid)
			return &set->t[i];
	return NULL;
}

void task_resume(struct task *t, int sig)
{
	if (ptrace(PTRACE_CONT, t->tid, 0, sig) < 0 && errno != ESRCH)
		die("cannot resume %d: %s", t->tid, strerror(errno));
	t->state = T_RUNNING;
}

void task_resume_syscall(struct task *t)
{
	if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0 && errno != ESRCH)
		die("cannot resume %d: %s", t->tid, strerror(errno));
	t->state = T_INCALL;
}

static bool parked(const struct task *t)
{
	return t->state != T_RUNNING && t->state != T_INCALL && t->state != T_SIGWAIT && t->state != T_NEW;
}

static bool any_in(const struct vset *set, enum tstate s)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state == s)
			return true;
	return false;
}

static bool all_in(const struct vset *set, enum tstate s)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != s)
			return false;
	return true;
}

/* Every task of the set goes on, whatever the turn (the scheduler's own step). */
void vset_resume_tasks(struct vset *set)
{
	cpu_left(set);
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_GONE)
			task_resume(&set->t[i], 0);
	set->phase = PH_RUN;
}

/* The set goes on to run the program's code, when its thread's turn allows. */
static void resume_all(struct vset *set)
{
	sched_resume(set);
}

void vset_skip_all(struct vset *set, long ret)
{
	for (int i = 0; i < set->n; i++)
		task_skip(&set->t[i], ret);
	resume_all(set);
}

/*
 * Every variant, stopped at its call's entry, makes the call again: a
 * signal came before the call could do anything (as ERESTARTSYS would).
 * The signal is delivered at that point; gives_eintr() then decides
 * between EINTR and the call.
 */
void vset_redo_all(struct vset *set)
{
	set->interrupted = ERESTARTSYS;
	for (int i = 0; i < set->n; i++)
		task_rewind(&set->t[i]);
	resume_all(set);
}

/* t's registers are about to change for a substitute call or a rewritten argument: keep the originals. */
void task_substitute(struct task *t)
{
	if (t->substituted)
		return;
	t->saved = t->regs;
	t->substituted = true;
}

/* Puts back the registers a substitute call or a rewritten argument changed. */
void restore_args(struct task *t)
{
	long ret = (long)t->regs.rax;

	if (!t->substituted)
		return;
	t->regs = t->saved;
	t->regs.rax = (unsigned long)ret;
	t->substituted = false;
	regs_put(t);
}

void vset_diverge(struct vset *set, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	report_divergence(set, "divergence", detail);
	monitor_kill_all(set);
	set->phase = PH_DONE;
	monitor_finish(-1);
}

/* Every variant is gone: the program ended, the same way in each or not. */
static void ended(struct vset *set)
{
	if (set->fatal_sig) { /* killed by the monitor for a signal that kills */
		set->exit_status = set->fatal_sig;
		set->phase = PH_DONE;
		return;
	}
	for (int i = 1; i < set->n; i++) /* the core-dump flag aside: only the leader dumps */
		if ((set->t[i].status & ~WCOREFLAG) != (set->t[0].status & ~WCOREFLAG)) {
			vset_diverge(set, "the variants ended differently");
			return;
		}
	set->exit_status = set->t[0].status;
	set->phase = PH_DONE;
	if (set != set->p->main) { /* a thread ended; its process goes on */
		thread_gone(set);
		monitor_drop_set(set);
	} else {
		sched_leave(set); /* a zombie until reaped: the turn goes on */
	}
}

static void faulted(struct vset *set)
{
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];

		if (t->state != T_FAULT || t->si.si_signo != set->t[0].si.si_signo) {
			vset_diverge(set, "a fault in some variants only");
			return;
		}
	}
	/* The same fault everywhere is the program's own: let it take it. */
	if (!(set->p->sig.handled & (1ull << (set->t[0].si.si_signo - 1)))) {
		/* it dies of it: one core file, the leader's, as one process leaves */
		struct rlimit none = { 0, 0 };

		for (int i = 1; i < set->n; i++)
			prlimit(set->t[i].tid, RLIMIT_CORE, &none, NULL);
	}
	for (int i = 0; i < set->n; i++)
		task_resume(&set->t[i], set->t[i].si.si_signo);
	set->phase = PH_RUN;
}

/* rdtsc/rdtscp trapped in every variant: one reading for all. */
static void timestamp(struct vset *set)
{
	unsigned aux = 0;
	uint64_t tsc = set->t[0].rdtscp ? __rdtscp(&aux) : __rdtsc();

	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_RDTSC || set->t[i].rdtscp != set->t[0].rdtscp) {
			vset_diverge(set, "a time-stamp read in some variants only");
			return;
		}
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];

		t->regs.rax = tsc & 0xffffffffu;
		t->regs.rdx = tsc >> 32;
		if (t->rdtscp)
			t->regs.rcx = aux;
		t->regs.rip += t->rdtscp ? 3 : 2;
		regs_put(t);
		task_resume(t, 0);
	}
	set->phase = PH_RUN;
}

/* Would this restart code become EINTR once signal s is delivered? */
static bool gives_eintr(const struct vset *set, int s, long code)
{
	uint64_t bit = 1ull << (s - 1);

	if (!(set->p->sig.handled & bit) || code == ERESTARTNOINTR)
		return false;
	if (code == ERESTARTSYS)
		return !(set->p->sig.restart & bit);
	return true;
}

/*
 * Delivers a pending asynchronous signal at a point where every variant is
 * at the same syscall entry: the call is not run now, each variant is sent
 * the signal, and it runs its handler (or dies) at the same place. After the
 * handler the call is made again, or returns EINTR as the kernel would.
 */
static void rendezvous(struct vset *set);

/* The temporary signal mask a call waits with (pselect6, ppoll, epoll_pwait): address and size. */
static bool call_mask(struct task *t, long nr, uint64_t *mask, long *size)
{
	uint64_t pair[2];

	if (nr == __NR_ppoll || nr == __NR_epoll_pwait) {
		int a = nr == __NR_ppoll ? 3 : 4;

		*mask = (uint64_t)arg_get(&t->regs, a);
		*size = arg_get(&t->regs, a + 1);
	} else if (nr == __NR_pselect6 && arg_get(&t->regs, 5) &&
		   mem_read(t->tid, (uint64_t)arg_get(&t->regs, 5), pair, sizeof(pair)) == sizeof(pair)) {
		*mask = pair[0];
		*size = (long)pair[1];
	} else {
		return false;
	}
	return *mask != 0;
}

/*
 * A call that waited with a temporary signal mask was interrupted: the
 * signal must be delivered under that mask, which only the leader's kernel
 * applied. Each variant makes rt_sigsuspend with the call's mask instead:
 * with the signal queued it returns at once, the handler runs under the
 * call's mask, and the call returns EINTR, as it did in the leader.
 */
static bool deliver_masked(struct vset *set, int s, unsigned slot)
{
	for (int v = 0; v < set->n; v++) {
		uint64_t mask;
		long size;

		if (!call_mask(&set->t[v], (long)set->t[v].regs.orig_rax, &mask, &size))
			return false;
	}
	for (int v = 0; v < set->n; v++) {
		struct task *t = &set->t[v];
		uint64_t mask;
		long size;

		call_mask(t, (long)t->regs.orig_rax, &mask, &size);
		task_substitute(t);
		t->regs.orig_rax = __NR_rt_sigsuspend;
		arg_set(&t->regs, 0, (long)mask);
		arg_set(&t->regs, 1, size);
		regs_put(t);
		signal_queue(t, s, MAGIC_DELIVER | (long)slot << 32);
		t->deliver[s] = (int16_t)(slot + 1);
		task_resume_syscall(t);
	}
	set->phase = PH_SIG;
	return true;
}

/* Every variant is back from its rt_sigsuspend: the call returns EINTR, the handler runs. */
static void masked_done(struct vset *set)
{
	for (int v = 0; v < set->n; v++) {
		struct task *t = &set->t[v];

		if (t->state != T_EXIT) {
			rendezvous(set);
			return;
		}
		t->regs.rax = (unsigned long)-EINTR;
		restore_args(t);
	}
	resume_all(set);
}

static void deliver_pending(struct vset *set, int i)
{
	int s = set->pend[i].signo;
	bool eintr = set->interrupted && gives_eintr(set, s, set->interrupted);
	unsigned slot = set->dnext++ % MAX_PENDING;

	set->delivering[slot] = set->pend[i].si;
	memmove(&set->pend[i], &set->pend[i + 1], sizeof(set->pend[0]) * (size_t)(set->npend - i - 1));
	set->npend--;
	set->interrupted = 0;
	set->tmo.again &= !eintr;
	if (eintr && deliver_masked(set, s, slot))
		return;
	for (int v = 0; v < set->n; v++) {
		struct task *t = &set->t[v];

		if (eintr)
			task_skip(t, -EINTR);
		else
			task_rewind(t);
		signal_deliver(t, s, slot);
		task_resume(t, 0);
	}
	set->phase = PH_RUN;
}

/* The pending signal the kernel would deliver first: the lowest number. */
static int first_pending(const struct vset *set)
{
	int best = -1;

	for (int i = 0; i < set->npend; i++)
		if (best < 0 || set->pend[i].signo < set->pend[best].signo)
			best = i;
	return best;
}

static void load_call(struct vset *set, long nr)
{
	struct call *c = &set->call;

	memset(c, 0, sizeof(*c));
	c->nr = nr;
	c->d = sc_lookup(nr);
	if (!c->d)
		return;
	c->policy = c->d->policy;
	c->nargs = c->d->nargs;
	memcpy(c->arg, c->d->arg, sizeof(c->arg));
}

/*
 * A pipe made non-blocking by pipe2 is each variant's own: a process
 * that writes to it for itself (the self-pipe of an event loop, which
 * libuv's signal handler fills with a pointer and a signal number) reads
 * what it wrote, each variant its own. Reads and writes run in every
 * variant and return the same counts; what is written is not compared
 * (it stays inside the program, and a pointer in it differs). A call
 * that may block (the pipe was made blocking since) gives up the turn.
 */
static bool own_pipe_rule(struct vset *set, struct call *c)
{
	long fd = arg_get(&set->t[0].regs, 0);

	if (c->nr != __NR_read && c->nr != __NR_write && c->nr != __NR_readv && c->nr != __NR_writev)
		return false;
	c->policy = RUN_ALLR;
	c->per_variant = true;
	c->arg[1].kind = A_PTR;
	c->blocking = !(fd_flags(set->t[0].tid, (int)fd) & O_NONBLOCK);
	return true;
}

/* A call on a descriptor whose data is each variant's own runs in each. */
static void private_fd_rule(struct vset *set, struct call *c)
{
	int kind;

	if (c->nargs == 0 || c->arg[0].kind != A_FD)
		return;
	kind = fd_private(&set->p->fds, arg_get(&set->t[0].regs, 0));
	if (!kind || (kind == PRIV_PIPE && own_pipe_rule(set, c)))
		return;
	if (kind == PRIV_SIGNALFD && c->nr == __NR_read) {
		c->policy = RUN_ONCE; /* the leader first: signalfd_follow() */
		c->priv_kind = kind;
		return;
	}
	if ((kind == PRIV_PLAIN || kind == PRIV_PROCSTAT) && (c->nr == __NR_read || c->nr == __NR_pread64)) {
		/* each variant's own text, of its own length: what is left to read differs */
		c->arg[2].kind = A_NONE;
		if (c->nr == __NR_pread64)
			c->arg[3].kind = A_NONE;
	}
	if (kind != PRIV_PLAIN && kind != PRIV_PIPE && (c->nr == __NR_read || c->nr == __NR_pread64)) {
		c->policy = RUN_ALLR; /* read, then put the leader's pid in the text */
		c->per_variant = c->own_results = true;
		c->priv_kind = kind;
	} else if (c->policy == RUN_ONCE) {
		c->policy = RUN_OWN;
		c->per_variant = true;
	} else if (c->policy == RUN_FD) {
		c->policy = RUN_ALLR;
		c->per_variant = true;
	}
}

/* Sets the arguments named in c->own_pid to each variant's real pid. */
static void apply_own_pid(struct vset *set)
{
	for (int v = 0; v < set->n && set->call.own_pid; v++) {
		struct task *t = &set->t[v];

		task_substitute(t);
		for (int i = 0; i < 6; i++)
			if (set->call.own_pid & (1u << i)) {
				struct vset *whose = set->call.pid_set[i] ? set->call.pid_set[i] : set;

				arg_set(&t->regs, i, whose->t[v].tid);
			}
		regs_put(t);
	}
}

/*
 * exit_group ends every thread. exit ends one: a thread keeps its turn
 * until it is gone (the kernel clears its tid word meanwhile), except the
 * first thread, which stays a zombie until the whole process ends.
 */
static void run_exit(struct vset *set)
{
	if (set->call.nr == __NR_exit_group)
		set->p->exiting = true;
	else if (set == set->p->main && sched_threaded(set))
		main_thread_exits(set);
	vset_resume_tasks(set);
}

/*
 * A call the leader makes for every variant may block (read, poll, a
 * sleep, wait4, accept: the connecting thread may be another of the
 * process): other threads take their turn meanwhile. Not a call that
 * carries data out: another thread could change that data after it was
 * compared, before the kernel reads it.
 */
static bool gives_turn(const struct call *c)
{
	bool accepts = c->nr == __NR_accept || c->nr == __NR_accept4;

	if (c->policy != RUN_ONCE && !accepts)
		return (c->policy == RUN_EMU && c->nr == __NR_sched_yield) || c->blocking;
	for (int i = 0; i < c->nargs; i++)
		switch (c->arg[i].kind) {
		case A_IN: case A_INA: case A_MTEXT_IN:
			if (!c->copy_inputs)
				return false;
			break;
		case A_STR: case A_IOV_IN: case A_MSG_IN: case A_SADDR: case A_STRV:
			return false;
		default:
			break;
		}
	return true;
}

/* Room left below the red zone for a time-out the call may be given when made again (timeout.c). */
#define INPUT_GAP 256
#define MAX_INPUT_COPY 65536

/*
 * A call that may block and carries data out (semop's operations, a
 * message) reads, in the leader, a copy of its data put below its stack's
 * red zone before the comparison, so that what is compared is what the
 * kernel reads: another thread of the process cannot change it, and the
 * call may give up the turn. True if every such argument was copied;
 * false (the call keeps the turn) when the data is large or the stack
 * has no room.
 */
static bool inputs_to_stack(struct vset *set, struct call *c)
{
	struct task *lead = &set->t[0];

	for (int i = 0; i < c->nargs; i++) {
		struct blob b;
		uint64_t at = 0;

		if (c->arg[i].kind != A_IN && c->arg[i].kind != A_INA && c->arg[i].kind != A_MTEXT_IN)
			continue;
		blob_load(&b, lead, &c->arg[i], i);
		if (!b.null && !b.fault && b.n <= MAX_INPUT_COPY)
			at = stack_put_below(lead, b.p, b.n, INPUT_GAP);
		blob_free(&b);
		if (!at)
			return false;
		task_substitute(lead);
		arg_set(&lead->regs, i, (long)at);
		regs_put(lead);
	}
	return true;
}

static void run_policy(struct vset *set)
{
	struct call *c = &set->call;

	switch (c->policy) {
	case RUN_ALL: case RUN_OWN: case RUN_SIGRET:
		/*
		 * Into a call with no exit stop. A set that gave up its turn
		 * for the call (sigsuspend) goes in all the same; it waits for
		 * the turn at its next syscall, before any handler runs.
		 */
		vset_resume_tasks(set);
		break;
	case RUN_EXIT:
		run_exit(set);
		break;
	case RUN_ALLR: case RUN_EXEC: case RUN_FORK:
		if (c->policy == RUN_EXEC && sched_threaded(set))
			set->p->execing = set;
		for (int i = 0; i < set->n; i++)
			task_resume_syscall(&set->t[i]);
		set->phase = PH_ALL;
		break;
	case RUN_ONCE: case RUN_FD: case RUN_PLACE: case RUN_MON:
		task_resume_syscall(&set->t[0]);
		set->phase = PH_LEADER;
		break;
	case RUN_EMU: case RUN_DENY:
		vset_skip_all(set, c->ret);
		break;
	case RUN_NONE:
		die("no policy for %ld", c->nr);
	}
}

static void begin_call(struct vset *set, long nr)
{
	struct call *c = &set->call;
	char why[256];
	int v;

	load_call(set, nr);
	set->syscalls++;
	set->apart_since = 0;
	if (!c->d) {
		if (!set->launching) /* not the program's: a launcher's, before exec */
			warn_once_syscall(nr, "is not supported: it returns ENOSYS");
		vset_skip_all(set, -ENOSYS);
		return;
	}
	if (c->policy == RUN_DENY) {
		vset_skip_all(set, -c->d->err);
		return;
	}
	if (c->policy == RUN_EXEC && set->launching)
		c->arg[0].kind = A_PTR; /* each variant starts its own binary */
	private_fd_rule(set, c);
	if (c->d->pre)
		c->d->pre(set, c);
	if (set->phase == PH_DONE)
		return;
	if (c->copy_inputs)
		c->copy_inputs = (sched_threaded(set) || sched_shared(set)) && inputs_to_stack(set, c);
	pid_args(set, c);
	v = compare_call(set, why, sizeof(why));
	if (v) {
		vset_diverge(set, "%s", why);
		return;
	}
	if (pid_answered(set, c)) {
		vset_skip_all(set, c->ret);
		return;
	}
	if (opt.trace)
		trace_call(set);
	if (c->policy == RUN_ONCE && io_to_null(set))
		c->policy = RUN_ALL;
	if ((c->policy == RUN_ONCE && io_by_monitor(set)) || (c->policy == RUN_MON && call_in_monitor(set))) {
		vset_skip_all(set, c->ret);
		return;
	}
	if (c->policy == RUN_ONCE && sched_shared(set) && pipe_write_begin(set))
		return;
	if (c->nr == __NR_futex && (sched_shared(set) || futex_unlock_pi_alone(set)) && sys_futex_emulate(set, c))
		return;
	if (c->policy == RUN_MON)
		c->policy = RUN_ONCE;
	if (gives_turn(c))
		sched_release(set);
	apply_own_pid(set);
	own_path_apply(set);
	timeout_begin(set);
	run_policy(set);
}

/* Are the variants at different syscalls (futexes in shared memory: with different values)? */
static bool calls_apart(const struct vset *set)
{
	for (int i = 1; i < set->n; i++)
		if (set->t[i].regs.orig_rax != set->t[0].regs.orig_rax)
			return true;
	return futex_apart(set);
}

/* Every variant is stopped at something: what was it? */
static void rendezvous(struct vset *set)
{
	long nr = (long)set->t[0].regs.orig_rax;
	bool apart;
	int s;

	if (all_in(set, T_GONE)) {
		ended(set);
		return;
	}
	if (any_in(set, T_GONE)) {
		vset_diverge(set, "a variant ended while the others went on");
		return;
	}
	if (any_in(set, T_FAULT)) {
		faulted(set);
		return;
	}
	if (any_in(set, T_RDTSC)) {
		timestamp(set);
		return;
	}
	apart = calls_apart(set);
	if (apart || futex_wakes_apart(set) || mprotects_apart(set)) {
		bool solo = solo_catch_up(set);

		if (futex_lone_wake(set) || solo)
			return;
		if (apart) {
			vset_diverge(set, "the variants made different syscalls");
			return;
		}
	}
	if (sched_wait_entry(set))
		return;
	signals_drop_stale_stops(set);
	s = first_pending(set);
	if (s >= 0) {
		deliver_pending(set, s);
		return;
	}
	set->interrupted = 0; /* the signal went elsewhere: the call is made */
	begin_call(set, nr);
}

/* After the call, before the variants run on; false if the run was stopped. */
static bool run_post(struct vset *set)
{
	if (set->call.code && !layout_check(set))
		return false;
	if (set->call.d && set->call.d->post)
		set->call.d->post(set, &set->call);
	return set->phase != PH_DONE;
}

bool is_restart(long r)
{
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
	       r == -ERESTART_RESTARTBLOCK;
}

/*
 * The leader's call was interrupted by a signal. Every variant is set to
 * make the call again; the signal is delivered to all of them at that
 * point, and gives_eintr() then decides between EINTR and a restart.
 * A call with a time-out is made again with the time it had left (timeout.c).
 */
static void restart_call(struct vset *set, long code)
{
	struct task *lead = &set->t[0];

	set->interrupted = -code;
	timeout_again(set);
	regs_redo(&lead->regs);
	regs_put(lead);
	for (int i = 1; i < set->n; i++) {
		replicate_outputs(set, lead, &set->t[i], 0); /* e.g. nanosleep's time left */
		task_rewind(&set->t[i]);
	}
	resume_all(set);
}

/*
 * The call made for all has returned: the variants go on, unless a
 * signal came with the result (signal_due_at_return()). Then the leader
 * goes to take it and the others wait, to take it at the same point.
 */
static void call_return(struct vset *set)
{
	if ((gives_turn(&set->call) || set->call.unblocks) && signal_due_at_return(set)) {
		set->phase = PH_RETSIG;
		task_resume(&set->t[0], 0);
		return;
	}
	resume_all(set);
}

/* The leader took no signal after its call: the others go on too. */
void vset_release_followers(struct vset *set)
{
	for (int i = 1; i < set->n; i++)
		if (set->t[i].state != T_GONE && parked(&set->t[i]))
			task_resume(&set->t[i], 0);
	set->phase = PH_RUN;
}

/* The leader is at its delivery of signal s, after its call: every variant takes it there. */
void vset_deliver_at_return(struct vset *set, int s, const siginfo_t *si)
{
	unsigned slot = set->dnext++ % MAX_PENDING;

	set->delivering[slot] = *si;
	for (int i = 1; i < set->n; i++)
		if (set->t[i].state != T_GONE)
			signal_deliver(&set->t[i], s, slot);
	vset_release_followers(set);
	task_resume(&set->t[0], s);
}

static void finish_once(struct vset *set)
{
	struct task *lead = &set->t[0];
	long ret = set->call.ret;

	for (int i = 1; i < set->n; i++) {
		if (replicate_outputs(set, lead, &set->t[i], ret) < 0) {
			vset_diverge(set, "variant %d cannot take the result of %s", i, set->call.d->name);
			return;
		}
		task_skip(&set->t[i], ret);
	}
	if (set->call.priv_kind == PRIV_SIGNALFD && ret > 0)
		notice_signalfd(set);
	if (run_post(set))
		call_return(set);
}

static void follow_done(struct vset *set)
{
	struct call *c = &set->call;
	struct task *lead = &set->t[0];

	if (c->nr == __NR_wait4 || c->nr == __NR_waitid) {
		if (reap_done(set))
			finish_once(set);
		return;
	}
	if (c->priv_kind == PRIV_SIGNALFD) {
		if (signalfd_done(set))
			finish_once(set);
		return;
	}
	if (c->policy == RUN_PLACE) {
		if (place_done(set)) {
			for (int i = 1; i < set->n; i++)
				restore_args(&set->t[i]);
			if (run_post(set))
				resume_all(set);
		}
		return;
	}
	if (!mirror_done(set))
		return;
	for (int i = 1; i < set->n; i++) {
		struct task *t = &set->t[i];

		t->regs.rax = (unsigned long)c->ret; /* the leader's result, not the last twin's */
		restore_args(t);
		if (replicate_outputs(set, lead, t, c->ret) < 0) {
			vset_diverge(set, "variant %d cannot take the result of %s", i, c->d->name);
			return;
		}
	}
	if (run_post(set))
		call_return(set);
}

static void leader_done(struct vset *set)
{
	struct task *lead = &set->t[0];
	long ret;

	if (lead->state != T_EXIT) {
		vset_diverge(set, "variant 0 stopped inside %s", set->call.d->name);
		return;
	}
	restore_args(lead); /* a time-out it was given, say */
	ret = (long)lead->regs.rax;
	if (ret == -EINTR && timeout_eintr_spurious(set))
		ret = -ERESTART_RESTARTBLOCK; /* made again, as it would have gone on natively */
	if (is_restart(ret)) {
		restart_call(set, ret);
		return;
	}
	set->call.ret = ret;
	if (ret >= 0 && mirror_wanted(set))
		mirror_start(set);
	else if (ret > 0 && (reap_wanted(set) || signalfd_follow(set)))
		set->phase = PH_FOLLOW;
	else if (set->call.policy == RUN_PLACE && (unsigned long)ret < -4096UL)
		place_begin(set);
	else
		finish_once(set);
}

/*
 * The variants must each have their own layout: their stacks begin at
 * different addresses unless address space randomization is off for the
 * whole system (chorus already clears ADDR_NO_RANDOMIZE for its variants).
 */
static bool one_layout(const struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		for (int j = i + 1; j < set->n; j++)
			if (set->t[i].regs.rsp == set->t[j].regs.rsp)
				return true;
	return false;
}

static void exec_done(struct vset *set)
{
	long ret = (long)set->t[0].regs.rax;

	if (ret < 0 && set->launching) {
		report_exec_failure(set, (int)-ret);
		return;
	}
	for (int i = 0; i < set->n; i++)
		if (ret == 0 && !set->exec_seen[i]) {
			vset_diverge(set, "execve succeeded in some variants only");
			return;
		}
	memset(set->exec_seen, 0, sizeof(set->exec_seen));
	exec_by_thread_done(set);
	if (ret == 0 && set->launching && !opt.no_diversity && one_layout(set)) {
		report_no_diversity(set);
		return;
	}
	if (ret == 0) {
		if (set->launching) {
			events_start(set);
			shm_check(set);
		}
		layout_forget(set->p);
		heap_align(set);
		sched_leave(set); /* its memory is its own now */
		if (!layout_check(set))
			return;
		set->launching = false;
		for (int i = 0; i < set->n; i++)
			set->t[i].placed = false;
		signals_after_exec(set);
		fd_exec_sync(set);
		ep_free(set->p);
	}
	resume_all(set);
}

/*
 * A call the monitor runs in one variant on its own (a fork, a reap) was
 * interrupted by a signal pending there: let the variant take it (the
 * monitor keeps it) and make the same call again. True while that goes on.
 */
bool task_retry(struct task *t)
{
	if (t->state == T_EXIT && is_restart((long)t->regs.rax)) {
		regs_redo(&t->regs);
		regs_put(t);
		task_resume(t, 0);
		return true;
	}
	if (t->state == T_ENTRY) { /* back at the call, after the signal */
		task_resume_syscall(t);
		return true;
	}
	return false;
}

/*
 * task_retry for variants from..n-1: a fork fails with a restart code
 * when a signal is pending (a variant's own SIGCHLD, say) while others
 * have forked already; the variants after the leader redo a reap or a
 * read of their own. True while any is still at it.
 */
bool tasks_retry(struct vset *set, int from)
{
	bool waiting = false;

	for (int i = from; i < set->n; i++)
		waiting |= task_retry(&set->t[i]);
	return waiting;
}

static void all_done(struct vset *set)
{
	struct call *c = &set->call;

	if (c->policy == RUN_FORK && any_in(set, T_FORKED)) {
		if (tasks_retry(set, 0))
			return;
		if (all_in(set, T_FORKED))
			fork_spawn(set);
		else
			vset_diverge(set, "fork made a child in some variants only");
		return;
	}
	if (any_in(set, T_GONE) || any_in(set, T_FAULT)) {
		rendezvous(set);
		return;
	}
	for (int i = 0; i < set->n; i++)
		if (is_restart((long)set->t[i].regs.rax)) {
			for (int j = 0; j < set->n; j++)
				restore_args(&set->t[j]);
			restart_call(set, (long)set->t[i].regs.rax);
			return;
		}
	if (c->policy == RUN_FORK) {
		fork_done(set);
		return;
	}
	if (c->policy == RUN_EXEC) {
		for (int i = 1; i < set->n; i++)
			if (set->t[i].regs.rax != set->t[0].regs.rax) {
				vset_diverge(set, "execve gave different results");
				return;
			}
		exec_done(set);
		return;
	}
	if (!run_post(set))
		return;
	if (c->own_results && c->priv_kind)
		fd_rewrite_pids(set);
	if (set->phase == PH_DONE)
		return;
	for (int i = 0; i < set->n; i++) {
		if (c->policy == RUN_ALLR && !c->own_results && set->t[i].regs.rax != set->t[0].regs.rax) {
			vset_diverge(set, "%s returned %ld in variant 0 and %ld in variant %d", c->d->name,
				     (long)set->t[0].regs.rax, (long)set->t[i].regs.rax, i);
			return;
		}
		restore_args(&set->t[i]);
	}
	if (c->unblocks)
		call_return(set);
	else
		resume_all(set);
}

/* Its thread's turn has come: the set begins the call it waits at. */
void vset_begin(struct vset *set)
{
	rendezvous(set);
}

/*
 * A blocking call every variant makes in its own kernel (a futex wait on
 * shared memory) came back in one variant with a restart code: a signal
 * for that variant's thread, which reaches the others only through the
 * monitor, later. The variants still in the call are interrupted now, so
 * that all of them come back to take it.
 */
static void kick_rest(struct vset *set)
{
	int s = 0;

	for (int i = 0; i < set->n && !s; i++)
		if (set->t[i].state == T_EXIT && is_restart((long)set->t[i].regs.rax)) {
			struct sigmasks m;
			uint64_t pend;

			proc_sigmasks(set->t[i].tid, &m);
			pend = m.pending | m.shared;
			s = pend ? __builtin_ctzll(pend) + 1 : SIGURG;
		}
	if (!s)
		return;
	set->call.kicked = true;
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state == T_INCALL)
			signal_queue(&set->t[i], s, MAGIC_INTERRUPT);
}

/* Called whenever a task of the set stopped or ended. */
void vset_event(struct vset *set, struct task *t)
{
	if (set->fatal_sig && !all_in(set, T_GONE)) {
		fatal_release(set, t); /* a signal that kills is taking every variant */
		return;
	}
	if (set->phase == PH_RETSIG)
		vset_release_followers(set); /* no signal stop came first */
	if (set->phase == PH_ALL && set->call.blocking && !set->call.kicked)
		kick_rest(set);
	if (ahead_event(set, t))
		return;
	for (int i = 0; i < set->n; i++)
		if (!parked(&set->t[i]))
			return;
	if ((set->p->exiting || set->dying || (set->p->execing && set->p->execing != set)) && any_in(set, T_GONE)) {
		/* exit_group, a fatal signal or another thread's execve takes every thread */
		if (all_in(set, T_GONE))
			ended(set);
		return;
	}
	if (set->sampling && sched_sampled(set))
		return;
	switch (set->phase) {
	case PH_RUN: cpu_met(set); rendezvous(set); break;
	case PH_LEADER: leader_done(set); break;
	case PH_FOLLOW: follow_done(set); break;
	case PH_ALL: all_done(set); break;
	case PH_SIG: masked_done(set); break;
	case PH_RETSIG: break; /* released above */
	case PH_WRITE: pipe_write_cancel(set); rendezvous(set); break; /* only ends come here */
	case PH_HELD: case PH_FUTEX: rendezvous(set); break; /* only ends come here */
	case PH_DONE: break;
	}
}

/*
 * A signal waits for the next rendezvous, but the variants may be blocked
 * (the leader in a call it makes for all, or all of them in a call such as
 * sigsuspend): interrupt them, so that they come back to a syscall entry.
 */
void vset_interrupt(struct vset *set, struct task *from, int s)
{
	struct task *lead = &set->t[0];

	if (set->phase == PH_LEADER && lead->state == T_INCALL)
		signal_queue(lead, s, MAGIC_INTERRUPT);
	if ((set->phase == PH_RUN || set->phase == PH_ALL) && set->call.blocking)
		for (int i = 0; i < set->n; i++)
			if ((set->t[i].state == T_RUNNING || set->t[i].state == T_INCALL) && &set->t[i] != from)
				signal_queue(&set->t[i], s, MAGIC_INTERRUPT);
}
