/* sys/sig.c - rt_sigaction: compared without handler addresses, and remembered. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

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

void sys_sigaction_pre(struct vset *set, struct call *c)
{
	struct ksigaction lead, other;
	uint64_t p0 = (uint64_t)arg_get(&set->t[0].regs, 1);

	(void)c;
	if (p0 && mem_read(set->t[0].tid, p0, &lead, sizeof(lead)) != sizeof(lead))
		return;
	for (int v = 1; v < set->n; v++) {
		uint64_t p = (uint64_t)arg_get(&set->t[v].regs, 1);

		if (!p != !p0) {
			vset_diverge(set, "argument 2 differs: NULL in one variant only");
			return;
		}
		if (!p || mem_read(set->t[v].tid, p, &other, sizeof(other)) != sizeof(other))
			continue;
		if (handler_class(other.handler) != handler_class(lead.handler) || other.flags != lead.flags ||
		    other.mask != lead.mask) {
			vset_diverge(set, "argument 2 differs: another handler, flags or mask");
			return;
		}
	}
}

void sys_sigaction_post(struct vset *set, struct call *c)
{
	struct ksigaction act;
	uint64_t p = (uint64_t)arg_get(&set->t[0].regs, 1);
	long s = arg_get(&set->t[0].regs, 0);

	(void)c;
	if ((long)set->t[0].regs.rax != 0 || !p || s < 1 || s > 64)
		return;
	if (mem_read(set->t[0].tid, p, &act, sizeof(act)) == sizeof(act))
		sys_sigaction_record(set, (int)s, act.handler, act.flags);
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
