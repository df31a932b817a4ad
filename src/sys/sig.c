/* sys/sig.c - rt_sigaction, signal waits and signalfd reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <string.h>
#include <sys/signalfd.h>

#include "../chorus.h"
#include "../signals.h"

/* The kernel's struct sigaction on x86_64. */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* A handler's address differs between variants; what it is must not. */
static uint64_t handler_class(uint64_t h)
{
	return h <= 1 ? h : 2;
}

/* Will the kernel take this new action (the old one's copy out aside, made after)? */
static bool sigaction_takes(const struct user_regs_struct *r)
{
	long s = arg_get(r, 0);

	return s >= 1 && s <= 64 && s != SIGKILL && s != SIGSTOP && arg_get(r, 3) == 8;
}

/*
 * rt_sigaction runs in every variant with no exit stop: the new actions
 * must be alike (readable in all or in none, the same kind of handler,
 * flags and mask), so the kernels answer alike, and the action is
 * recorded here, as the kernel will set it.
 */
void sys_sigaction_pre(struct vset *set, struct call *c)
{
	struct ksigaction act[MAX_VARIANTS];
	bool read[MAX_VARIANTS] = { false };

	(void)c;
	for (int v = 0; v < set->n; v++) {
		uint64_t p = (uint64_t)arg_get(&set->t[v].regs, 1);
		bool null_apart = !p != !arg_get(&set->t[0].regs, 1);

		read[v] = p && mem_read(set->t[v].tid, p, &act[v], sizeof(act[v])) == sizeof(act[v]);
		if (null_apart || read[v] != read[0]) {
			vset_diverge(set, "argument 2 differs: %s in some variants only", null_apart ? "NULL" : "unreadable");
			return;
		}
		if (read[v] && (handler_class(act[v].handler) != handler_class(act[0].handler) ||
				act[v].flags != act[0].flags || act[v].mask != act[0].mask)) {
			vset_diverge(set, "argument 2 differs: another handler, flags or mask");
			return;
		}
	}
	if (read[0] && sigaction_takes(&set->t[0].regs))
		sys_sigaction_record(set, (int)arg_get(&set->t[0].regs, 0), act[0].handler, act[0].flags);
}

/*
 * rt_sigprocmask runs in every variant with no exit stop, but for one
 * that unblocks a signal the program handles and the leader has queued
 * (sent from outside while blocked): natively its handler runs as the
 * call returns, before the program's next step. Such a call stops at its
 * exit, where the signal is delivered in every variant (call_return()).
 */
void sys_sigprocmask_pre(struct vset *set, struct call *c)
{
	const struct user_regs_struct *r = &set->t[0].regs;
	long how = arg_get(r, 0);
	uint64_t mask = 0;

	if ((how != SIG_UNBLOCK && how != SIG_SETMASK) || arg_get(r, 3) != sizeof(mask) ||
	    mem_read(set->t[0].tid, (uint64_t)arg_get(r, 1), &mask, sizeof(mask)) != sizeof(mask))
		return;
	if (signal_queued_for(set, how == SIG_UNBLOCK ? mask : ~mask)) {
		c->policy = RUN_ALLR;
		c->unblocks = true;
	}
}

/*
 * rt_sigsuspend runs in every variant (each waits with its own mask); it
 * blocks in all of them, so a signal for the program interrupts all.
 */
void sys_sigsuspend_pre(struct vset *set, struct call *c)
{
	(void)set;
	c->blocking = true;
}

static uint64_t pending_mask(pid_t tid)
{
	struct sigmasks m;

	proc_sigmasks(tid, &m);
	return m.pending | m.shared;
}

/*
 * rt_sigtimedwait takes a signal out of the caller's queue. When every
 * variant has one of the awaited signals queued (it sent them to itself),
 * each takes its own; otherwise the leader waits and the result is copied.
 */
void sys_sigtimedwait_pre(struct vset *set, struct call *c)
{
	uint64_t want = 0;

	if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, 0), &want, sizeof(want)) != sizeof(want))
		return;
	for (int i = 0; i < set->n; i++)
		if (!(pending_mask(set->t[i].tid) & want))
			return;
	c->policy = RUN_ALLR;
}

/*
 * A read of a signalfd is the leader's first: a signal sent to the
 * program from outside goes to the leader's pid alone, and the others'
 * reads would wait for it for ever. Each other variant is then sent
 * every signal the leader read that it does not have queued (those it
 * sent itself, it has), reads as many bytes, which takes them off its
 * queues as natively, and gets the leader's records.
 */
/* Queues to t each signal of the leader's records it lacks. */
static void send_missing(struct task *t, const struct signalfd_siginfo *rec, size_t n)
{
	unsigned counts[65];

	queued_counts(t, counts);
	for (size_t i = 0; i < n; i++) {
		uint32_t s = rec[i].ssi_signo;

		if (s == 0 || s > 64)
			continue;
		if (counts[s])
			counts[s]--;
		else
			signal_queue(t, (int)s, 0);
	}
}

bool signalfd_follow(struct vset *set)
{
	static struct signalfd_siginfo rec[QUEUE_PEEK * 2];
	struct task *lead = &set->t[0];
	long ret = set->call.ret;
	size_t n = (size_t)ret / sizeof(rec[0]);

	if (set->call.priv_kind != PRIV_SIGNALFD || n == 0 || n > sizeof(rec) / sizeof(rec[0]) ||
	    mem_read(lead->tid, (uint64_t)arg_get(&lead->regs, 1), rec, n * sizeof(rec[0])) != (ssize_t)(n * sizeof(rec[0])))
		return false;
	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];

		send_missing(t, rec, n);
		task_substitute(t);
		arg_set(&t->regs, 2, ret);
		regs_put(t);
		task_resume_syscall(t);
	}
	return true;
}

/* True once every other variant has read as much as the leader. */
bool signalfd_done(struct vset *set)
{
	if (tasks_retry(set, 1))
		return false;
	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];

		if (t->state != T_EXIT || (long)t->regs.rax != set->call.ret) {
			vset_diverge(set, "variant %d read %ld bytes of signals, variant 0 %ld", k,
				     t->state == T_EXIT ? (long)t->regs.rax : -1L, set->call.ret);
			return false;
		}
		restore_args(t);
	}
	return true;
}
