/*
 * sys/notice.c - the value a signal from a POSIX timer or a message
 * queue carries is each variant's own.
 *
 * timer_create and mq_notify take a struct sigevent whose sigev_value the
 * kernel hands back in the signal's siginfo: often a pointer (glibc's
 * SIGEV_THREAD timers pass their own timer's address, and its helper
 * thread calls the function found there). The leader's kernel holds the
 * timer or the notice, so the signal carries the leader's value; each
 * other variant must find its own there. The monitor keeps every
 * variant's value of each such timer (by the timer's id, which the
 * siginfo names) and notice (by its signal and the leader's value: the
 * siginfo does not name the queue) and puts variant k's in as the signal
 * is delivered to it or read by rt_sigtimedwait or from a signalfd.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>

#include "../chorus.h"

struct notice {
	const struct proc *p;
	int code;   /* SI_TIMER or SI_MESGQ */
	long key;   /* the timer's id, or the queue's descriptor */
	int signo;
	uint64_t val[MAX_VARIANTS];
	struct notice *next;
};

static struct notice *notices;

static void notice_drop(const struct proc *p, int code, long key)
{
	for (struct notice **pp = &notices; *pp;) {
		struct notice *x = *pp;

		if (x->p == p && (code == 0 || (x->code == code && x->key == key))) {
			*pp = x->next;
			free(x);
		} else {
			pp = &x->next;
		}
	}
}

/* Process p is gone: its timers and notices with it. */
void notice_forget(const struct proc *p)
{
	notice_drop(p, 0, 0);
}

/*
 * The sigevent each variant passed in argument i: kept when its values
 * differ, under code and key (a notice of the same key before is
 * replaced: an id or a descriptor may come again).
 */
static void notice_keep(struct vset *set, int i, int code, long key)
{
	struct sigevent ev;
	struct notice x = { .p = set->p, .code = code, .key = key };
	bool differ = false;

	notice_drop(set->p, code, key);
	for (int k = 0; k < set->n; k++) {
		const struct task *t = &set->t[k];

		if (mem_read(t->tid, (uint64_t)arg_get(&t->regs, i), &ev, sizeof(ev)) != sizeof(ev) ||
		    ev.sigev_notify == SIGEV_NONE)
			return;
		x.signo = ev.sigev_signo;
		x.val[k] = (uint64_t)(uintptr_t)ev.sigev_value.sival_ptr;
		differ |= x.val[k] != x.val[0];
	}
	if (!differ)
		return;
	x.next = notices;
	notices = malloc(sizeof(x));
	if (!notices)
		die("out of memory");
	*notices = x;
}

void sys_timer_create_post(struct vset *set, struct call *c)
{
	const struct task *lead = &set->t[0];
	int id;

	if (c->ret != 0 || !arg_get(&lead->regs, 1) ||
	    mem_read(lead->tid, (uint64_t)arg_get(&lead->regs, 2), &id, sizeof(id)) != sizeof(id))
		return;
	notice_keep(set, 1, SI_TIMER, id);
}

void sys_timer_delete_post(struct vset *set, struct call *c)
{
	if (c->ret == 0)
		notice_drop(set->p, SI_TIMER, arg_get(&set->t[0].regs, 0));
}

void sys_mq_notify_post(struct vset *set, struct call *c)
{
	long mqd = arg_get(&set->t[0].regs, 0);

	if (c->ret != 0)
		return;
	if (arg_get(&set->t[0].regs, 1))
		notice_keep(set, 1, SI_MESGQ, mqd);
	else
		notice_drop(set->p, SI_MESGQ, mqd);
}

/* In siginfo si, from p's leader's kernel, variant k's value where it has one of its own. */
void notice_value(const struct proc *p, int k, siginfo_t *si)
{
	uint64_t lead = (uint64_t)(uintptr_t)si->si_value.sival_ptr;

	if (si->si_code != SI_TIMER && si->si_code != SI_MESGQ)
		return;
	for (const struct notice *x = notices; x; x = x->next)
		if (x->p == p && x->code == si->si_code && x->signo == si->si_signo &&
		    (x->code == SI_TIMER ? x->key == si->si_timerid : x->val[0] == lead)) {
			si->si_value.sival_ptr = (void *)(uintptr_t)x->val[k];
			return;
		}
}

/* A signalfd read the leader made first: each other variant's copy of the records gets its own values. */
void notice_signalfd(struct vset *set)
{
	static struct signalfd_siginfo rec[QUEUE_PEEK * 2]; /* as many as signalfd_follow() takes */
	size_t n = (size_t)set->call.ret / sizeof(rec[0]);

	if (n > sizeof(rec) / sizeof(rec[0]))
		n = sizeof(rec) / sizeof(rec[0]);
	for (int k = 1; k < set->n && n > 0; k++) {
		const struct task *t = &set->t[k];
		uint64_t at = (uint64_t)arg_get(&t->regs, 1);

		if (mem_read(t->tid, at, rec, n * sizeof(rec[0])) != (ssize_t)(n * sizeof(rec[0])))
			continue;
		for (size_t i = 0; i < n; i++) {
			siginfo_t si = { .si_signo = (int)rec[i].ssi_signo, .si_code = rec[i].ssi_code };

			si.si_timerid = (int)rec[i].ssi_tid;
			si.si_value.sival_ptr = (void *)(uintptr_t)rec[i].ssi_ptr;
			notice_value(set->p, k, &si);
			rec[i].ssi_ptr = (uint64_t)(uintptr_t)si.si_value.sival_ptr;
			rec[i].ssi_int = (int32_t)(uintptr_t)si.si_value.sival_ptr;
		}
		mem_write(t->tid, at, rec, n * sizeof(rec[0]));
	}
}

/* rt_sigtimedwait made by the leader for all: each other variant's copy of the siginfo gets its own value. */
void sys_sigtimedwait_post(struct vset *set, struct call *c)
{
	siginfo_t si;

	if (c->policy != RUN_ONCE || c->ret <= 0)
		return;
	for (int k = 1; k < set->n; k++) {
		const struct task *t = &set->t[k];
		uint64_t at = (uint64_t)arg_get(&t->regs, 1);

		if (!at || mem_read(t->tid, at, &si, sizeof(si)) != sizeof(si))
			continue;
		notice_value(set->p, k, &si);
		mem_write(t->tid, at, &si, sizeof(si));
	}
}
