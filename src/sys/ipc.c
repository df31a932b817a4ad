/*
 * sys/ipc.c - System V semaphores and message queues, POSIX message
 * queues: objects of the world, which the leader's calls act on once.
 *
 * A semaphore set or a message queue lives in the kernel, outside every
 * variant, and other programs may use it: like a file, it is used once,
 * by the leader, and every variant sees the leader's ids and results.
 * What the commands of semctl and msgctl point to depends on the command,
 * so their handlers say it per call. A call that may block and carries
 * data (semop's operations, a message to send) reads, in a threaded
 * program, a copy of it, the one compared, so that it may give up the
 * turn (vset.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include "../chorus.h"

/* The control command (argument i) of semctl, msgctl or shmctl, without the IPC_64 flag a C library may add. */
int ipc_cmd(const struct vset *set, int i)
{
	return (int)arg_get(&set->t[0].regs, i) & ~0x100;
}

/* semop, semtimedop, msgsnd, mq_timedsend: may block with data the leader sends. */
void sys_ipc_send_pre(struct vset *set, struct call *c)
{
	(void)set;
	c->copy_inputs = true;
}

/* What the last argument of semctl or msgctl is for one command. */
struct ctl_rule {
	int cmd;
	uint8_t kind;
	size_t size; /* PER_SEM: one unsigned short per semaphore of the set */
};

#define PER_SEM ((size_t)-1)

static const struct ctl_rule sem_rules[] = {
	{ IPC_STAT, A_OUTS, sizeof(struct semid_ds) }, { SEM_STAT, A_OUTS, sizeof(struct semid_ds) },
	{ SEM_STAT_ANY, A_OUTS, sizeof(struct semid_ds) }, { IPC_SET, A_INS, sizeof(struct semid_ds) },
	{ IPC_INFO, A_OUTS, sizeof(struct seminfo) }, { SEM_INFO, A_OUTS, sizeof(struct seminfo) },
	{ GETALL, A_OUTS, PER_SEM }, { SETALL, A_INS, PER_SEM }, { SETVAL, A_INT, 0 },
	{ GETVAL, A_NONE, 0 }, { GETPID, A_NONE, 0 }, { GETNCNT, A_NONE, 0 }, { GETZCNT, A_NONE, 0 },
	{ IPC_RMID, A_NONE, 0 },
};

static const struct ctl_rule msg_rules[] = {
	{ IPC_STAT, A_OUTS, sizeof(struct msqid_ds) }, { MSG_STAT, A_OUTS, sizeof(struct msqid_ds) },
	{ MSG_STAT_ANY, A_OUTS, sizeof(struct msqid_ds) }, { IPC_SET, A_INS, sizeof(struct msqid_ds) },
	{ IPC_INFO, A_OUTS, sizeof(struct msginfo) }, { MSG_INFO, A_OUTS, sizeof(struct msginfo) },
	{ IPC_RMID, A_NONE, 0 },
};

/* How many bytes GETALL and SETALL move for set id: one unsigned short per semaphore; or -errno. */
static long per_sem_bytes(long id)
{
	struct semid_ds ds;

	if (semctl((int)id, 0, IPC_STAT, &ds) < 0)
		return -errno;
	return (long)(ds.sem_nsems * sizeof(unsigned short));
}

/* Says what argument `ptr` is for the command in argument `cmd_arg`, by the rules; refuses others. */
static void ctl_apply(struct vset *set, struct call *c, const struct ctl_rule *r, size_t n, int cmd_arg, int ptr)
{
	int cmd = ipc_cmd(set, cmd_arg);
	long size;

	for (size_t i = 0; i < n; i++) {
		if (r[i].cmd != cmd)
			continue;
		size = r[i].size == PER_SEM ? per_sem_bytes(arg_get(&set->t[0].regs, 0)) : (long)r[i].size;
		if (size < 0) {
			c->policy = RUN_DENY;
			c->ret = size;
			return;
		}
		c->arg[ptr] = (struct arg_desc){ .kind = r[i].kind, .size = (uint16_t)size };
		return;
	}
	warn_once_syscall(WARN_KEY(c->nr, cmd), "command is not supported: it fails with EINVAL");
	c->policy = RUN_DENY;
	c->ret = -EINVAL;
}

void sys_semctl_pre(struct vset *set, struct call *c)
{
	ctl_apply(set, c, sem_rules, sizeof(sem_rules) / sizeof(sem_rules[0]), 2, 3);
}

void sys_msgctl_pre(struct vset *set, struct call *c)
{
	ctl_apply(set, c, msg_rules, sizeof(msg_rules) / sizeof(msg_rules[0]), 1, 2);
}

/*
 * mq_notify: a signal the leader's kernel sends reaches every variant as
 * any signal from outside does. A thread started for the message
 * (SIGEV_THREAD) is not supported: the C library has the kernel send a
 * cookie of its own addresses to a netlink socket, the leader's for all.
 * The kind of notice and its signal must agree; the value that comes
 * with it (often a pointer) is each variant's own and is not compared.
 */
void sys_mq_notify_pre(struct vset *set, struct call *c)
{
	struct sigevent ev[MAX_VARIANTS];

	if (!arg_get(&set->t[0].regs, 1))
		return; /* no more notices */
	for (int k = 0; k < set->n; k++)
		if (mem_read(set->t[k].tid, (uint64_t)arg_get(&set->t[k].regs, 1), &ev[k], sizeof(ev[k])) !=
		    sizeof(ev[k])) {
			c->policy = RUN_DENY;
			c->ret = -EFAULT;
			return;
		}
	for (int k = 1; k < set->n; k++)
		if (ev[k].sigev_notify != ev[0].sigev_notify || ev[k].sigev_signo != ev[0].sigev_signo) {
			vset_diverge(set, "argument 2 differs: mq_notify's notice (%d, signal %d) in variant 0, (%d, signal %d) in variant %d",
				     ev[0].sigev_notify, ev[0].sigev_signo, ev[k].sigev_notify, ev[k].sigev_signo, k);
			return;
		}
	if (ev[0].sigev_notify == SIGEV_THREAD) {
		warn_once_syscall(WARN_KEY(c->nr, SIGEV_THREAD), "(SIGEV_THREAD, a thread for each notice) is not supported: it fails with ENOSYS");
		c->policy = RUN_DENY;
		c->ret = -ENOSYS;
	}
}
