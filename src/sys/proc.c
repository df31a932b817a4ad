/* sys/proc.c - process identity, kill, prctl, arch_prctl, prlimit. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <sys/prctl.h>
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

/* prctl options, with what each is allowed to do. */
void sys_prctl_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 0);

	switch (op) {
	case PR_SET_NAME:
		c->arg[1] = (struct arg_desc){ A_STR, 0, 0 };
		break;
	case PR_GET_NAME: case PR_GET_PDEATHSIG:
		c->arg[1] = (struct arg_desc){ A_PTR, 0, 0 };
		break;
	case PR_SET_PDEATHSIG: case PR_GET_DUMPABLE: case PR_SET_DUMPABLE: case PR_GET_KEEPCAPS:
	case PR_SET_KEEPCAPS: case PR_CAPBSET_READ: case PR_GET_NO_NEW_PRIVS: case PR_SET_NO_NEW_PRIVS:
	case PR_GET_TIMERSLACK: case PR_SET_TIMERSLACK: case PR_GET_THP_DISABLE: case PR_SET_THP_DISABLE:
	case PR_GET_CHILD_SUBREAPER: case PR_SET_CHILD_SUBREAPER: case PR_GET_SECCOMP: case PR_GET_TSC:
	case PR_CAP_AMBIENT:
		break;
	case PR_SET_VMA:
		c->arg[2] = (struct arg_desc){ A_PTR, 0, 0 };
		c->arg[4] = (struct arg_desc){ A_PTR, 0, 0 };
		c->policy = RUN_ALL;
		break;
	default:
		/* PR_SET_SECCOMP, PR_SET_TSC, PR_SET_MM ... would weaken the monitor */
		warn_once_syscall(__NR_prctl * 65536 + op, "option is not supported: it fails with EINVAL");
		c->policy = RUN_DENY;
		c->ret = -EINVAL;
	}
}

void sys_arch_prctl_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 0);

	switch (op) {
	case ARCH_SET_FS: case ARCH_GET_FS: case ARCH_SET_GS: case ARCH_GET_GS: case ARCH_GET_CPUID:
	case 0x3001: /* ARCH_CET_STATUS, asked by libc at start */
		break;
	default:
		warn_once_syscall(__NR_arch_prctl * 65536 + op, "option is not supported: it fails with EINVAL");
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
