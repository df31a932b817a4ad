/* monitor.c - the event loop: wait for any variant to stop, hand the stop to its set. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
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
	t->state = T_INCALL;
	if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0 && errno != ESRCH)
		die("cannot resume %d after exec", t->tid);
}

static void on_stop(struct vset *set, struct task *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
		regs_get(t);
		t->state = T_ENTRY;
		vset_event(set, t);
	} else if (sig == (SIGTRAP | 0x80)) {
		regs_get(t);
		t->state = T_EXIT;
		vset_event(set, t);
	} else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
		set->exec_seen[t->idx] = true;
		on_exec(t);
	} else if (event == PTRACE_EVENT_STOP) {
		/* group-stop: stay stopped until SIGCONT */
		if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 && errno != ESRCH)
			die("cannot listen on %d", t->tid);
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

/* Runs until every variant of the set has ended; returns the wait status. */
int monitor_run(struct vset *set)
{
	while (set->phase != PH_DONE) {
		int status;
		pid_t pid = wait_any(&status);
		struct task *t;

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("waitpid: %s", strerror(errno));
		}
		t = vset_find(set, pid);
		if (!t)
			continue;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			t->state = T_GONE;
			t->status = status;
			vset_event(set, t);
		} else if (WIFSTOPPED(status)) {
			on_stop(set, t, status);
		}
	}
	return set->exit_status;
}

/* Kills every variant and waits until each is gone. */
void monitor_kill_all(struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_GONE && set->t[i].tid > 0)
			kill(set->t[i].tid, SIGKILL);
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];
		int status;

		while (t->state != T_GONE && t->tid > 0) {
			pid_t p = waitpid(t->tid, &status, __WALL);

			if (p < 0 && errno != EINTR)
				break;
			if (p == t->tid && (WIFEXITED(status) || WIFSIGNALED(status)))
				t->state = T_GONE;
		}
		t->state = T_GONE;
	}
}
