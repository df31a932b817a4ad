/* sys/proc.c - process identity, kill, prctl, arch_prctl, prlimit. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <linux/futex.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../chorus.h"

/* Every variant sees the leader's pid as its own, and the leader's tid as its tid. */
void sys_getpid(struct vset *set, struct call *c)
{
	c->ret = c->nr == __NR_gettid ? set->vpid : set->p->main->vpid;
}

/*
 * The parent every variant sees is the leader's. Where each variant's real
 * parent is that one (the monitor, for the first variants), the kernel's
 * own answer is right and the call runs as it is: no registers to set.
 */
void sys_getppid(struct vset *set, struct call *c)
{
	c->ret = set->vppid;
	for (int i = 0; i < set->n; i++)
		if (set->t[i].ppid != set->vppid)
			return;
	c->policy = RUN_ALL;
}

/* set_tid_address returns the caller's tid: the leader's, in every variant. */
void sys_tid_post(struct vset *set, struct call *c)
{
	(void)c;
	for (int i = 0; i < set->n; i++) {
		set->ctid[i] = (uint64_t)arg_get(&set->t[i].regs, 0);
		set->t[i].regs.rax = (unsigned long)set->vpid;
		regs_put(&set->t[i]);
	}
}

/* set_robust_list: where each variant's list is, for the monitor to follow when the thread ends. */
void sys_robust_pre(struct vset *set, struct call *c)
{
	(void)c;
	for (int i = 0; i < set->n; i++)
		set->robust[i] = arg_get(&set->t[i].regs, 1) == sizeof(struct robust_list_head) ?
			(uint64_t)arg_get(&set->t[i].regs, 0) : 0;
}

/*
 * A signal a variant sends to itself (raise, abort) is sent by each variant
 * to itself, and delivered at once, at the same point in all of them.
 * Signals to other processes are sent once, by the leader.
 */
void sys_kill_pre(struct vset *set, struct call *c)
{
	int sig_arg = c->nr == __NR_tgkill || c->nr == __NR_rt_tgsigqueueinfo ? 2 : 1;
	long sig = arg_get(&set->t[0].regs, sig_arg);
	struct vset *x = monitor_set_by_vpid((pid_t)arg_get(&set->t[0].regs, 0));

	if (!x)
		return;
	/*
	 * To its own process, with threads: the kernel picks the thread that
	 * takes it, or a sigwait consumes it; sent once, it is delivered to
	 * every variant's twin of that thread as an asynchronous signal.
	 */
	if (x->p == set->p && sched_threaded(set) && (c->nr == __NR_kill || c->nr == __NR_rt_sigqueueinfo))
		return;
	/*
	 * To another process of the program: sent once, by the leader to its
	 * twin, where the monitor takes it and delivers it to every twin at
	 * one point, as a signal from outside. Each variant sending its own
	 * raced: the monitor kept one twin's SIGSTOP while another twin's
	 * SIGCONT had come already, and that twin stayed stopped.
	 */
	if (x->p != set->p)
		return;
	for (int i = 0; i < sig_arg; i++)
		if (arg_get(&set->t[0].regs, i) != x->vpid)
			return;
	/* a process of the program: each variant signals its own twin (pid_args names it) */
	c->policy = RUN_ALLR;
	if (x != set)
		return;
	for (int v = 0; v < set->n; v++)
		if (sig > 0 && sig <= 64)
			set->t[v].expect[sig]++;
}

/*
 * A thread the monitor keeps in a futex wait never runs, so it could not
 * take the signal just sent to it: it wakes up (a spurious wake-up, which
 * futex callers expect) and takes it.
 */
void sys_tkill_post(struct vset *set, struct call *c)
{
	struct vset *x = monitor_set_by_vpid((pid_t)arg_get(&set->t[0].regs, c->nr == __NR_tkill ? 0 : 1));

	if (x && x->p == set->p)
		futex_cancel(x);
}

/* getpriority, setpriority, ioprio_get, ioprio_set: "who" is a pid for a process or a process group. */
void sys_prio_pre(struct vset *set, struct call *c)
{
	long which = arg_get(&set->t[0].regs, 0);
	bool io = c->nr == __NR_ioprio_get || c->nr == __NR_ioprio_set;

	if (io ? which == 1 || which == 2 : which == PRIO_PROCESS || which == PRIO_PGRP)
		c->arg[1].kind = A_PID; /* IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP */
}

/*
 * prctl options the monitor lets through, with the arguments each one uses.
 * glibc's prctl is variadic: registers past the used ones hold whatever was
 * there, so only the used arguments are compared.
 */
struct prctl_use {
	int op;
	int nargs;	       /* arguments used after the option */
	enum arg_kind arg2;    /* what the first of them is */
};

static const struct prctl_use prctl_ops[] = {
	{ PR_SET_NAME, 1, A_STR },	       { PR_GET_NAME, 1, A_PTR },
	{ PR_GET_PDEATHSIG, 1, A_PTR },	       { PR_SET_PDEATHSIG, 1, A_VAL },
	{ PR_GET_DUMPABLE, 0, A_NONE },	       { PR_SET_DUMPABLE, 1, A_VAL },
	{ PR_GET_KEEPCAPS, 0, A_NONE },	       { PR_SET_KEEPCAPS, 1, A_VAL },
	{ PR_CAPBSET_READ, 1, A_VAL },	       { PR_GET_NO_NEW_PRIVS, 4, A_VAL },
	{ PR_SET_NO_NEW_PRIVS, 4, A_VAL },     { PR_GET_TIMERSLACK, 0, A_NONE },
	{ PR_SET_TIMERSLACK, 1, A_VAL },       { PR_GET_THP_DISABLE, 4, A_VAL },
	{ PR_SET_THP_DISABLE, 4, A_VAL },      { PR_GET_CHILD_SUBREAPER, 1, A_PTR },
	{ PR_SET_CHILD_SUBREAPER, 1, A_VAL },  { PR_GET_SECCOMP, 0, A_NONE },
	{ PR_GET_TSC, 1, A_PTR },	       { PR_CAP_AMBIENT, 4, A_VAL },
};

void sys_prctl_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 0);

	for (size_t i = 0; i < sizeof(prctl_ops) / sizeof(prctl_ops[0]); i++) {
		if (prctl_ops[i].op != op)
			continue;
		for (int a = 1; a < 5; a++)
			c->arg[a].kind = a > prctl_ops[i].nargs ? A_NONE : a == 1 ? prctl_ops[i].arg2 : A_VAL;
		return;
	}
	if (op == PR_SET_VMA) {
		c->arg[2] = (struct arg_desc){ .kind = A_PTR };
		c->arg[4] = (struct arg_desc){ .kind = A_PTR };
		c->policy = RUN_ALL;
		return;
	}
	/* PR_SET_SECCOMP, PR_SET_TSC, PR_SET_MM, PR_SET_PTRACER ... would weaken the monitor */
	warn_once_syscall(WARN_KEY(__NR_prctl, op), "option is not supported: it fails with EINVAL");
	c->policy = RUN_DENY;
	c->ret = -EINVAL;
}

void sys_arch_prctl_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 0);

	switch (op) {
	case ARCH_GET_CPUID: /* it faults where the monitor can answer it (cpuid.c), as if it did not */
		c->policy = RUN_EMU;
		c->ret = 1;
		break;
	case ARCH_SET_FS: case ARCH_GET_FS: case ARCH_SET_GS: case ARCH_GET_GS:
	case 0x3001: /* ARCH_CET_STATUS, asked by libc at start */
		break;
	default:
		warn_once_syscall(WARN_KEY(__NR_arch_prctl, op), "option is not supported: it fails with EINVAL");
		c->policy = RUN_DENY;
		c->ret = -EINVAL;
	}
}

/* prlimit64 on the program itself runs in each variant; on others, once. */
void sys_prlimit_pre(struct vset *set, struct call *c)
{
	long pid = arg_get(&set->t[0].regs, 0);

	if (pid != 0 && pid != set->vpid) /* its own limits: pid_args names each variant's */
		c->policy = RUN_ONCE;
}

/*
 * personality: ADDR_NO_RANDOMIZE would give every program the process
 * execs next one layout in all variants, READ_IMPLIES_EXEC would make data
 * executable. Both are taken out of the request (unless diversity is off).
 */
void sys_personality_pre(struct vset *set, struct call *c)
{
	unsigned long want = (unsigned long)arg_get(&set->t[0].regs, 0);
	unsigned long weak = ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC;

	(void)c;
	if (want == 0xffffffffUL || !(want & weak) || opt.no_diversity)
		return;
	warn_once_syscall(__NR_personality, "ADDR_NO_RANDOMIZE and READ_IMPLIES_EXEC are ignored: they would weaken diversity");
	for (int i = 0; i < set->n; i++) {
		arg_set(&set->t[i].regs, 0, (long)(arg_get(&set->t[i].regs, 0) & ~weak));
		regs_put(&set->t[i]);
	}
}
