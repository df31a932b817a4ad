/* fork.c - processes: the k-th child of every variant together form a new variant set. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "chorus.h"

/* clone3's arguments (struct clone_args, up to CLONE_ARGS_SIZE_VER2). */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};
#define CLONE3_VER0 64

/* What a clone asks for: flags, and where the tids go, in variant k. */
struct clone_req {
	long flags;
	uint64_t ptid, ctid;
};

static void clone_req(struct vset *set, int k, struct clone_req *r)
{
	struct task *t = &set->t[k];
	struct clone3_args a;

	memset(r, 0, sizeof(*r));
	if (set->call.nr == __NR_vfork) {
		r->flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
	} else if (set->call.nr == __NR_clone) {
		r->flags = arg_get(&t->regs, 0);
		r->ptid = (uint64_t)arg_get(&t->regs, 2);
		r->ctid = (uint64_t)arg_get(&t->regs, 3);
	} else if (set->call.nr == __NR_clone3 &&
		   mem_read(t->tid, (uint64_t)arg_get(&t->regs, 0), &a, sizeof(a)) == sizeof(a)) {
		r->flags = (long)a.flags;
		r->ptid = a.parent_tid;
		r->ctid = a.child_tid;
	}
}

/*
 * clone3: its arguments are a struct, compared here field by field
 * (addresses by whether they are given). Features chorus does not follow
 * (a pidfd, a cgroup, chosen tids) get ENOSYS, and libc falls back to clone.
 */
void sys_clone3_pre(struct vset *set, struct call *c)
{
	struct clone3_args a[MAX_VARIANTS];
	long size = arg_get(&set->t[0].regs, 1);
	const uint64_t refused = CLONE_PIDFD | 0x200000000ULL /* CLONE_INTO_CGROUP */;

	if (size < CLONE3_VER0 || size > (long)sizeof(a[0])) {
		c->policy = RUN_DENY;
		c->ret = size < CLONE3_VER0 ? -EINVAL : -E2BIG;
		return;
	}
	memset(a, 0, sizeof(a));
	for (int k = 0; k < set->n; k++)
		if (mem_read(set->t[k].tid, (uint64_t)arg_get(&set->t[k].regs, 0), &a[k], (size_t)size) != size) {
			c->policy = RUN_DENY;
			c->ret = -EFAULT;
			return;
		}
	if ((a[0].flags & refused) || a[0].set_tid || a[0].set_tid_size || a[0].cgroup) {
		warn_once_syscall(__NR_clone3, "with a pidfd, a cgroup or set tids is not supported: it returns ENOSYS");
		c->policy = RUN_DENY;
		c->ret = -ENOSYS;
		return;
	}
	for (int k = 1; k < set->n; k++)
		if (a[k].flags != a[0].flags || a[k].exit_signal != a[0].exit_signal ||
		    a[k].stack_size != a[0].stack_size || !a[k].stack != !a[0].stack || !a[k].tls != !a[0].tls ||
		    !a[k].child_tid != !a[0].child_tid || !a[k].parent_tid != !a[0].parent_tid) {
			vset_diverge(set, "clone3's arguments differ in variant %d", k);
			return;
		}
	for (int k = 0; k < set->n && (a[0].flags & CLONE_UNTRACED); k++) {
		uint64_t flags = a[k].flags & ~(uint64_t)CLONE_UNTRACED;

		mem_write(set->t[k].tid, (uint64_t)arg_get(&set->t[k].regs, 0), &flags, sizeof(flags));
	}
}

/*
 * CLONE_UNTRACED would start a child the monitor never sees: its syscalls
 * fail for want of a tracer (it cannot even exit), and it outlives chorus
 * (LeakSanitizer's tracer is made so). It is dropped: the child is
 * followed like any other.
 */
void sys_clone_pre(struct vset *set, struct call *c)
{
	(void)c;
	for (int k = 0; k < set->n; k++) {
		long flags = arg_get(&set->t[k].regs, 0);

		if (flags & CLONE_UNTRACED) {
			arg_set(&set->t[k].regs, 0, flags & ~(long)CLONE_UNTRACED);
			regs_put(&set->t[k]);
		}
	}
}

/*
 * A thread shares its process's descriptors and signal handlers; a
 * process gets copies. A thread takes turns with its process's threads;
 * so does a child process that shares writable memory with its parent
 * (not a vfork child: its parent waits for it).
 */
static void join_proc(struct vset *set, struct vset *c, long flags)
{
	if (flags & CLONE_THREAD) {
		c->p = set->p;
		c->vppid = set->vppid;
		c->p->sets++;
		c->p->turn->sets++;
		return;
	}
	c->p = proc_new(set->p, c);
	c->vppid = set->p->main->vpid;
	if (!(flags & CLONE_VM) && maps_shared(set->t[0].tid, NULL))
		sched_join(c->p, set->p);
}

/*
 * Every variant has stopped at its fork event: their children are the new
 * set, in variant order. The children stay stopped until they are in the
 * set, so none of their syscalls escapes the monitor, not even the first.
 */
void fork_spawn(struct vset *set)
{
	struct vset *c = calloc(1, sizeof(*c));
	struct clone_req r;
	long flags;

	if (!c)
		die("out of memory");
	clone_req(set, 0, &r);
	flags = r.flags;
	c->n = set->n;
	c->phase = PH_RUN;
	c->vpid = set->t[0].child;
	join_proc(set, c, flags);
	if (c->p != set->p) { /* the kernel gave the child its parent's CPUs; it met with it at the fork */
		c->p->pinned = set->p->pinned;
		c->p->met_at = set->p->met_at;
		c->p->left_at = set->p->left_at;
	}
	for (int k = 0; k < set->n; k++) {
		struct task *t = &c->t[k];
		uint64_t ctid;

		clone_req(set, k, &r);
		ctid = r.ctid;
		t->tid = set->t[k].child;
		t->tgid = flags & CLONE_THREAD ? set->t[k].tgid : t->tid;
		t->ppid = set->t[k].tid;
		t->idx = k;
		t->state = T_NEW;
		t->shift = set->t[k].shift;
		t->placed = set->t[k].placed;
		/*
		 * The tids the kernel wrote are made the leader child's, before
		 * the child runs: a thread that ends at once clears its word.
		 */
		if ((flags & CLONE_CHILD_SETTID) && ctid && k > 0)
			mem_write(t->tid, ctid, &c->vpid, sizeof(pid_t));
		if ((flags & CLONE_PARENT_SETTID) && r.ptid && k > 0)
			mem_write(set->t[k].tid, r.ptid, &c->vpid, sizeof(pid_t));
		if (flags & CLONE_CHILD_CLEARTID)
			c->ctid[k] = ctid;
	}
	set->call.child = c;
	monitor_add_set(c);
	for (int k = 0; k < set->n; k++)
		task_resume_syscall(&set->t[k]);
	monitor_adopt(c);
}

/* The parents return from fork: each is told the leader child's pid. */
void fork_done(struct vset *set)
{
	struct vset *c = set->call.child;

	for (int k = 0; k < set->n; k++) {
		struct task *t = &set->t[k];

		if ((long)t->regs.rax != (long)set->t[0].regs.rax && !c) {
			vset_diverge(set, "fork failed differently in variant %d", k);
			return;
		}
		if (c && (long)t->regs.rax > 0) {
			t->regs.rax = (unsigned long)c->vpid;
			regs_put(t);
		}
		task_resume(t, 0);
	}
	set->phase = PH_RUN;
}

/*
 * A pid argument names a process of the program by the pid the program
 * sees (the leader's); in a call every variant makes, each variant must
 * name its own twin of that process.
 */
void pid_args(struct vset *set, struct call *c)
{
	if (c->policy != RUN_ALL && c->policy != RUN_ALLR && c->policy != RUN_OWN)
		return;
	for (int i = 0; i < c->nargs; i++) {
		long v = arg_get(&set->t[0].regs, i);
		struct vset *x = (c->arg[i].kind == A_PID || c->arg[i].kind == A_PGID) && v > 0 ? monitor_set_by_vpid((pid_t)v) : NULL;

		if (x && !(c->own_pid & (1u << i))) {
			c->own_pid |= (uint8_t)(1u << i);
			c->pid_set[i] = x;
		}
	}
}

/*
 * kill(2) aimed at the monitor's pid, which the first process sees as
 * its parent (getppid's answer): the monitor stands between the program
 * and the process that started chorus, so the signal goes on to that
 * process, sent by the monitor, as natively it would have reached the
 * program's parent (a daemon telling the shell that started it it is
 * ready). True if so; c->ret is the result.
 */
static bool kill_to_parent(struct vset *set, struct call *c)
{
	const struct user_regs_struct *r = &set->t[0].regs;

	if (c->nr != __NR_kill || (pid_t)arg_get(r, 0) != getpid())
		return false;
	c->ret = kill(getppid(), (int)arg_get(r, 1)) < 0 ? -errno : 0;
	return true;
}

/*
 * Calls the monitor answers itself, by the pid they name: those aimed at
 * the monitor (but kill(2), which goes on: kill_to_parent()) or at a
 * variant other than the leader (by a real pid the program found, say in
 * /proc) are refused, and so is a signal to every process (kill(-1, ...)),
 * which would reach the monitor too. True if so; c->ret is the result.
 */
bool pid_answered(struct vset *set, struct call *c)
{
	bool sig = c->d->pre == sys_kill_pre;

	if (sig && kill_to_parent(set, c))
		return true;
	for (int i = 0; i < c->nargs; i++) {
		long v = arg_get(&set->t[0].regs, i);

		if (c->arg[i].kind != A_PID || !(monitor_pid_hidden((pid_t)v) || (sig && i == 0 && (int)v == -1)))
			continue;
		warn_once_syscall(c->nr, "aimed at the monitor or at another variant is refused: EPERM");
		c->ret = -EPERM;
		return true;
	}
	return false;
}

/* A result that is a pid (getpgid, setsid ...): each variant's own twin becomes the leader's pid. */
void sys_pid_result_post(struct vset *set, struct call *c)
{
	(void)c;
	for (int k = 0; k < set->n; k++) {
		struct task *t = &set->t[k];
		struct vset *x = (long)t->regs.rax > 0 ? monitor_set_of(k, (pid_t)t->regs.rax) : NULL;

		if (x && (pid_t)t->regs.rax != x->vpid) {
			t->regs.rax = (unsigned long)x->vpid;
			regs_put(t);
		}
	}
}

/*
 * The leader has reaped a child. Each other variant must reap its own
 * twin of it, or keep a zombie the program never sees: its wait4 is made
 * again for exactly that child, blocking (the twin is ending too, the
 * child set ended in lockstep).
 */
/* The child the leader's wait4 or waitid reaped, if it has twins to reap. */
static struct vset *reaped(struct vset *set)
{
	struct task *lead = &set->t[0];
	siginfo_t si;

	if (set->call.nr == __NR_wait4 && set->call.ret > 0)
		return monitor_set_by_vpid((pid_t)set->call.ret);
	if (set->call.nr != __NR_waitid || set->call.ret != 0 || (arg_get(&lead->regs, 3) & WNOWAIT) ||
	    mem_read(lead->tid, (uint64_t)arg_get(&lead->regs, 2), &si, sizeof(si)) != sizeof(si) || si.si_pid <= 0)
		return NULL;
	return monitor_set_by_vpid(si.si_pid);
}

bool reap_wanted(struct vset *set)
{
	struct vset *x = reaped(set);
	bool waitid = set->call.nr == __NR_waitid;

	if (!x)
		return false;
	set->call.child = x;
	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];

		task_substitute(t);
		t->step = 0;
		if (waitid) {
			arg_set(&t->regs, 0, P_PID);
			arg_set(&t->regs, 1, x->t[k].tid);
			arg_set(&t->regs, 3, arg_get(&t->regs, 3) & ~(long)WNOHANG);
		} else {
			arg_set(&t->regs, 0, x->t[k].tid);
			arg_set(&t->regs, 2, arg_get(&t->regs, 2) & ~(long)WNOHANG);
		}
		regs_put(t);
		task_resume_syscall(t);
	}
	return true;
}

/* True once every other variant has reaped its twin; the reaped set is gone. */
bool reap_done(struct vset *set)
{
	struct vset *x = set->call.child;

	if (tasks_retry(set, 1))
		return false;
	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];

		if (t->state != T_EXIT) {
			vset_diverge(set, "variant %d stopped while reaping a child", k);
			return false;
		}
		if ((long)t->regs.rax != (set->call.nr == __NR_waitid ? 0 : x->t[k].tid)) {
			vset_diverge(set, "variant %d reaped %ld, not its child %d", k, (long)t->regs.rax, x->t[k].tid);
			return false;
		}
		restore_args(t);
	}
	if (x->phase == PH_DONE)
		monitor_drop_set(x);
	return true;
}
