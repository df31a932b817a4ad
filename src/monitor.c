/* monitor.c - the event loop: wait for any variant to stop, hand the stop to its set. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "chorus.h"
#include "signals.h"
#define SPIN 20




static void on_exec(struct task *t)
{
	if (regs_get(t) == 0)
		hide_vdso(t);
	cpuid_after_exec(t);
	t->state = T_INCALL;
	if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0 && errno != ESRCH)
		die("cannot resume %d after exec", t->tid);
}

/* After a stop the monitor did not ask for: on, expecting what it expected before. */
static void resume_as_before(struct task *t)
{
	if (ptrace(t->state == T_INCALL ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, 0, 0) < 0 && errno != ESRCH)
		die("cannot resume %d", t->tid);
}

static void on_stop(struct vset *set, struct task *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	if (t->state == T_NEW && (event == PTRACE_EVENT_STOP || sig == SIGSTOP) && sched_shared(set)) {
		t->state = T_HELD; /* a new thread, or process sharing memory: it waits for its turn */
		sched_new_thread(set);
	} else if (t->state == T_NEW && (event == PTRACE_EVENT_STOP || sig == SIGSTOP)) {
		task_resume(t, 0); /* a new child's first stop: off to its first syscall */
	} else if (sig == SIGTRAP && (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
				      event == PTRACE_EVENT_CLONE)) {
		unsigned long child = 0;

		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &child);
		t->child = (pid_t)child;
		t->state = T_FORKED;
		vset_event(set, t);
	} else if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
		regs_get(t);
		if (cpuid_trap_begin(t) || solo_call(set, t))
			return;
		t->state = T_ENTRY;
		vset_event(set, t);
	} else if (sig == (SIGTRAP | 0x80)) {
		regs_get(t);
		if (cpuid_trap_end(t))
			return;
		t->state = T_EXIT;
		vset_event(set, t);
	} else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
		unsigned long former = 0;

		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former);
		if ((pid_t)former != t->tid) /* a thread other than the first made the execve */
			t = exec_takeover(&set, t, (pid_t)former);
		set->exec_seen[t->idx] = true;
		on_exec(t);
	} else if (event == PTRACE_EVENT_STOP && sig != SIGTRAP && set->fatal_sig) {
		resume_as_before(t); /* a group-stop while a killing signal takes the set: on, to take it */
	} else if (event == PTRACE_EVENT_STOP && sig != SIGTRAP) {
		/* group-stop: stay stopped until SIGCONT */
		t->gstopped = true;
		if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
			die("cannot listen on %d", t->tid);
	} else if (event == PTRACE_EVENT_STOP && set->sampling && t->state == T_RUNNING) {
		regs_get(t); /* stopped where it runs, by sched_check_stall() */
		t->state = T_SAMPLED;
		vset_event(set, t);
	} else if (event == PTRACE_EVENT_STOP) {
		/*
		 * A SIGCONT notice, or an interrupt that came after the task had
		 * reached a syscall: go on as before, still expecting what was expected.
		 */
		t->gstopped = false;
		resume_as_before(t);
		signal_continue_twins(set, t); /* a job's SIGCONT reaches the leader's process group only */
	} else if (sig == SIGTRAP && event) {
		die("unexpected ptrace event %d from %d", event, t->tid);
	} else {
		signal_stop(set, t, sig);
	}
}

/*
 * The next stop. The variants of a set stop within microseconds of each
 * other, so the monitor polls a little before it sleeps: a sleep and a
 * wake-up cost more than the poll on a virtual machine.
 */
static pid_t wait_any(int *status)
{
	for (int i = 0; i < SPIN; i++) {
		pid_t pid = waitpid(-1, status, __WALL | WNOHANG);

		if (pid != 0)
			return pid;
	}
	return waitpid(-1, status, __WALL);
}

/* Every variant set: the program's first process and each it forked. */
static struct vset **sets;
static int nsets, capsets;
static struct vset *root;

/* Stops of new children that came before their parent's fork event. */
static struct early_stop { pid_t tid; int status; } *early;
static int nearly, capearly;

static void keep_early(pid_t tid, int status)
{
	if (nearly == capearly) {
		capearly = capearly ? capearly * 2 : 64;
		early = realloc(early, sizeof(*early) * (size_t)capearly);
		if (!early)
			die("out of memory");
	}
	early[nearly++] = (struct early_stop){ tid, status };
}

void monitor_add_set(struct vset *set)
{
	if (nsets == capsets) {
		capsets = capsets ? capsets * 2 : 16;
		sets = realloc(sets, sizeof(*sets) * (size_t)capsets);
		if (!sets)
			die("out of memory");
	}
	sets[nsets++] = set;
}

/* A process's first thread set goes last, with the process. */
static void free_proc_of(struct vset *set)
{
	layout_forget(set->p);
	proc_free(set->p);
	free(set);
}

void monitor_drop_set(struct vset *set)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i] == set) {
			sets[i] = sets[--nsets];
			if (set == root)
				return;
			free(set->spin);
			ahead_free(set);
			if (set->p->mirroring == set)
				set->p->mirroring = NULL;
			if (set->p->main != set)
				free(set);
			else
				free_proc_of(set);
			return;
		}
}

/* Every other thread set of process p is ending (an execve by one of its threads). */
void monitor_mark_dying(struct proc *p, struct vset *keep)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i]->p == p && sets[i] != keep)
			sets[i]->dying = true;
}

/* The k-th task of process p in variant v that has not ended, or 0. */
pid_t monitor_task_of(const struct proc *p, int v, int k)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i]->p == p && sets[i]->t[v].state != T_GONE && k-- == 0)
			return sets[i]->t[v].tid;
	return 0;
}

/* A thread set of process p waiting to mirror its new descriptors, or NULL. */
struct vset *monitor_mirror_waiting(const struct proc *p)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i]->p == p && sets[i]->mirror_wait)
			return sets[i];
	return NULL;
}

void monitor_each_set(const struct proc *p, void (*fn)(struct vset *set, const void *arg), const void *arg)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i]->p == p)
			fn(sets[i], arg);
}

struct vset *monitor_set_by_vpid(pid_t vpid)
{
	for (int i = 0; i < nsets; i++)
		if (sets[i]->vpid == vpid)
			return sets[i];
	return NULL;
}

/* The set whose variant k has the real pid `real`. */
struct vset *monitor_set_of(int k, pid_t real)
{
	for (int i = 0; i < nsets; i++)
		if (k < sets[i]->n && sets[i]->t[k].tid == real)
			return sets[i];
	return NULL;
}

/*
 * A pid the program must not reach: the monitor's own, or a real pid of a
 * variant other than the leader (the program only ever sees the leader's).
 */
bool monitor_pid_hidden(pid_t pid)
{
	if (pid == getpid())
		return true;
	if (pid <= 0 || monitor_set_by_vpid(pid))
		return false;
	for (int i = 0; i < nsets; i++)
		for (int k = 1; k < sets[i]->n; k++)
			if (sets[i]->t[k].tid == pid)
				return true;
	return false;
}

/* Thread sets that run on without a syscall while others wait for the turn (sched_check_stall). */
static void check_stalls(void)
{
	bool waiting = false;

	for (int i = 0; i < nsets; i++)
		waiting |= sched_check_stall(sets[i]);
	if (!waiting)
		sched_stall_tick(false);
}

/* Pinned processes that compute go back to every CPU (cpu.c). */
static void look_pinned(void)
{
	bool any = false;

	for (int i = 0; i < nsets; i++)
		any |= cpu_look(sets[i]);
	cpu_looked(any);
}

/* Sets whose variants wait apart for too long end as a divergence. */
void monitor_check_apart(void)
{
	for (int i = 0; i < nsets; i++)
		if (apart_too_long(sets[i]))
			return;
}

static bool finished;

static struct task *find_task(pid_t tid, struct vset **setp)
{
	for (int i = 0; i < nsets; i++) {
		struct task *t = vset_find(sets[i], tid);

		if (t) {
			*setp = sets[i];
			return t;
		}
	}
	return NULL;
}

/*
 * A variant killed by SIGKILL: nothing in the program sent it (a kill the
 * program makes goes through the monitor, to each variant's own twin);
 * another program or the kernel (out of memory) took that process.
 * SIGKILL stops nowhere where the monitor could hand it to every variant,
 * so the other variants' processes are killed with it: the process ends
 * killed by SIGKILL in all, as it would natively.
 */
static void killed_outright(struct vset *set)
{
	if (set->p->exiting || finished)
		return;
	set->p->exiting = true;
	for (int k = 0; k < set->n; k++)
		if (set->t[k].state != T_GONE)
			kill(set->t[k].tgid, SIGKILL);
}

static void dispatch(struct vset *set, struct task *t, int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		t->state = T_GONE;
		t->status = status;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed_outright(set);
		vset_event(set, t);
	} else if (WIFSTOPPED(status)) {
		on_stop(set, t, status);
	}
}

/* A new set's tasks may have stopped already: hand those stops over now. */
void monitor_adopt(struct vset *set)
{
	for (int i = 0; i < nearly; i++) {
		struct task *t = vset_find(set, early[i].tid);

		if (t) {
			int status = early[i].status;

			early[i--] = early[--nearly];
			dispatch(set, t, status);
		}
	}
}

/* The whole program ends now, with this status (a divergence: -1). */
void monitor_finish(int status)
{
	root->exit_status = status;
	root->phase = PH_DONE;
	finished = true;
}

/* Is any process of the program still there (one its first process left behind)? */
static bool any_alive(void)
{
	for (int i = 0; i < nsets; i++)
		for (int k = 0; k < sets[i]->n; k++)
			if (sets[i]->t[k].state != T_GONE)
				return true;
	return false;
}

/*
 * Runs until every process of the program has ended (a process its first
 * one left running goes on, monitored, as it would natively); returns the
 * wait status of the first process, the program's.
 */
int monitor_run(struct vset *set)
{
	root = set;
	monitor_add_set(set);
	while (!finished && (set->phase != PH_DONE || any_alive())) {
		struct vset *owner = NULL;
		int status;
		pid_t pid = wait_any(&status);
		struct task *t;

		if (pid < 0) {
			if (errno == EINTR) {
				futex_timeouts();
				pipe_writes_retry();
				signals_look();
				monitor_check_apart();
				check_stalls();
				look_pinned();
				signals_arrived();
				continue;
			}
			if (errno == ECHILD)
				break;
			die("waitpid: %s", strerror(errno));
		}
		t = find_task(pid, &owner);
		if (t)
			dispatch(owner, t, status);
		else if (WIFSTOPPED(status))
			keep_early(pid, status);
	}
	monitor_kill_all(set);
	return set->exit_status;
}

/*
 * Reaps whatever ends until none of the sets' tasks is left. Any order: a
 * process's first thread is reported only after its other threads.
 */
static void reap_all(struct vset **all, int n)
{
	for (;;) {
		struct task *t = NULL;
		int status;
		pid_t p;

		for (int s = 0; s < n && !t; s++)
			for (int i = 0; i < all[s]->n; i++)
				if (all[s]->t[i].state != T_GONE && all[s]->t[i].tid > 0) {
					t = &all[s]->t[i];
					break;
				}
		if (!t)
			return;
		p = waitpid(-1, &status, __WALL);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0) { /* nothing left to wait for */
			for (int s = 0; s < n; s++)
				for (int i = 0; i < all[s]->n; i++)
					all[s]->t[i].state = T_GONE;
			return;
		}
		for (int s = 0; s < n; s++) {
			struct task *x = vset_find(all[s], p);

			if (x && (WIFEXITED(status) || WIFSIGNALED(status)))
				x->state = T_GONE;
		}
	}
}

/* Kills every variant of every set and waits until each is gone. */
void monitor_kill_all(struct vset *set)
{
	struct vset *only[1] = { set };
	struct vset **all = nsets ? sets : only;
	int n = nsets ? nsets : 1;

	for (int s = 0; s < n; s++)
		for (int i = 0; i < all[s]->n; i++)
			if (all[s]->t[i].state != T_GONE && all[s]->t[i].tid > 0)
				kill(all[s]->t[i].tid, SIGKILL);
	reap_all(all, n);
	shm_forget_all(); /* detached now: the segments the monitor made go */
}
