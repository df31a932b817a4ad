/* sys/shm.c - System V shared memory: a segment the program makes is each variant's own. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "../chorus.h"

/*
 * As for a MAP_SHARED mapping, each variant needs memory of its own: a
 * pointer one variant stores there differs from another's, and a counter
 * both incremented would count twice. The leader makes the segment the
 * program asked for (with its key: another program may look for it, as
 * a restarted PostgreSQL looks for its predecessor's) and its id is the
 * one every variant sees; the monitor makes each other variant a private
 * segment of the same size and mode, which that variant's calls name
 * instead. A segment another program made (its creator is not the
 * leader) is the world's: every variant attaches the leader's, as a file
 * mapped shared.
 */
#define MAX_SEGS 256

struct seg {
	int lead;		  /* the id the program sees: the leader's segment */
	int own[MAX_VARIANTS];	  /* each variant's (own[0] == lead) */
};

static struct seg segs[MAX_SEGS];
static int nsegs;

static struct seg *seg_of(int id)
{
	for (int i = 0; i < nsegs; i++)
		if (segs[i].lead == id)
			return &segs[i];
	return NULL;
}

/* Removes the other variants' segments of s (they go once detached) and forgets s. */
static void seg_drop(struct seg *s)
{
	for (int k = 1; k < MAX_VARIANTS; k++)
		if (s->own[k] >= 0)
			shmctl(s->own[k], IPC_RMID, NULL);
	*s = segs[--nsegs];
}

/* When the monitor ends: the segments it made are removed (the leader's are the program's). */
void shm_forget_all(void)
{
	while (nsegs > 0)
		seg_drop(&segs[nsegs - 1]);
}

/* shmget made a segment in the leader: every other variant gets one of its own. */
void sys_shmget_post(struct vset *set, struct call *c)
{
	struct shmid_ds ds;
	struct seg *s;

	if (c->ret < 0 || seg_of((int)c->ret) || shmctl((int)c->ret, IPC_STAT, &ds) < 0 ||
	    ds.shm_cpid != set->t[0].tgid)
		return; /* not new, or the world's */
	if (nsegs == MAX_SEGS) {
		vset_diverge(set, "more than %d shared memory segments", MAX_SEGS);
		return;
	}
	s = &segs[nsegs++];
	s->lead = (int)c->ret;
	for (int k = 0; k < MAX_VARIANTS; k++)
		s->own[k] = k ? -1 : s->lead;
	for (int k = 1; k < set->n; k++) {
		s->own[k] = shmget(IPC_PRIVATE, ds.shm_segsz, IPC_CREAT | (ds.shm_perm.mode & 0777));
		if (s->own[k] < 0) {
			vset_diverge(set, "cannot make variant %d's shared memory segment: %s", k, strerror(errno));
			return;
		}
	}
}

/*
 * The id argument (argument 0) names each variant's own segment; the
 * call stops at its exit, where the ids are put back. False if this
 * segment is the world's (the leader's call then stands for all).
 */
static bool own_segments(struct vset *set, struct call *c)
{
	long id = arg_get(&set->t[0].regs, 0);
	struct seg *s = seg_of((int)id);

	for (int k = 1; k < set->n; k++)
		if (arg_get(&set->t[k].regs, 0) != id) {
			vset_diverge(set, "argument 1 differs: shared memory segment %ld in variant 0, %ld in variant %d",
				     id, arg_get(&set->t[k].regs, 0), k);
			return false;
		}
	if (!s)
		return false;
	c->arg[0].kind = A_PTR; /* compared above */
	c->policy = RUN_ALLR;
	for (int k = 1; k < set->n; k++) {
		task_substitute(&set->t[k]);
		arg_set(&set->t[k].regs, 0, s->own[k]);
		regs_put(&set->t[k]);
	}
	return true;
}

/* shmat: every variant attaches its own segment, at an address of its own. */
void sys_shmat_pre(struct vset *set, struct call *c)
{
	if (!own_segments(set, c) && set->phase != PH_DONE)
		c->policy = RUN_ALLR; /* the world's segment, attached in every variant */
	c->own_results = true;
	if (arg_get(&set->t[0].regs, 2) & SHM_EXEC)
		call_may_make_code(c, true);
}

/*
 * shmctl: what the program reads (IPC_STAT, the counts) is the leader's
 * segment's; a change (IPC_RMID, IPC_SET, SHM_LOCK) is made to every
 * variant's own.
 */
void sys_shmctl_pre(struct vset *set, struct call *c)
{
	int cmd = ipc_cmd(set, 1);

	switch (cmd) {
	case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY:
		c->arg[2] = (struct arg_desc){ .kind = A_OUTS, .size = sizeof(struct shmid_ds) };
		return;
	case IPC_INFO:
		c->arg[2] = (struct arg_desc){ .kind = A_OUTS, .size = sizeof(struct shminfo) };
		return;
	case SHM_INFO:
		c->arg[2] = (struct arg_desc){ .kind = A_OUTS, .size = sizeof(struct shm_info) };
		return;
	case IPC_SET:
		c->arg[2] = (struct arg_desc){ .kind = A_INS, .size = sizeof(struct shmid_ds) };
		break;
	case IPC_RMID: case SHM_LOCK: case SHM_UNLOCK:
		break;
	default:
		warn_once_syscall(WARN_KEY(c->nr, cmd), "command is not supported: it fails with EINVAL");
		c->policy = RUN_DENY;
		c->ret = -EINVAL;
		return;
	}
	own_segments(set, c);
}

/* After IPC_RMID of a segment of the program's: the others' go too, and the id may come again. */
void sys_shmctl_post(struct vset *set, struct call *c)
{
	long id = arg_get(&set->t[0].regs, 0);
	struct seg *s = seg_of((int)id);

	(void)c;
	if (s && ipc_cmd(set, 1) == IPC_RMID && (long)set->t[0].regs.rax == 0) {
		for (int k = 1; k < MAX_VARIANTS; k++)
			s->own[k] = -1; /* each variant removed its own */
		seg_drop(s);
	}
}
