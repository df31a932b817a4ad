/* sys/fs.c - irregular file and descriptor calls: open, close, dup, fcntl, ioctl. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>

#include "../blob.h"

/* Path argument of a call: index, or -1. */
static int path_arg(long nr)
{
	switch (nr) {
	case __NR_open: case __NR_creat: case __NR_stat: case __NR_lstat: case __NR_readlink:
		return 0;
	case __NR_openat: case __NR_newfstatat: case __NR_statx: case __NR_readlinkat:
		return 1;
	}
	return -1;
}

/* The leader's argument i, a string, as a C string (free it), or NULL. */
static char *leader_string(struct vset *set, struct call *c, int i)
{
	struct blob b;

	blob_load(&b, &set->t[0], &c->arg[i], i);
	if (b.fault || b.null) {
		blob_free(&b);
		return NULL;
	}
	b.p = realloc(b.p, b.n + 1);
	if (!b.p)
		die("out of memory");
	b.p[b.n] = 0;
	return (char *)b.p;
}

/* The leader's path argument (free it), or NULL when there is none. */
static char *leader_path(struct vset *set, struct call *c)
{
	int i = path_arg(c->nr);

	return i < 0 ? NULL : leader_string(set, c, i);
}

/*
 * /proc/PID/... and /proc/self/task/TID/... by the ids the program sees
 * (the leader's) name, in the other variants, the leader's process or
 * nothing. When they name the caller's own process or one of its threads,
 * the path is each variant's own, as /proc/self is, with its own ids.
 */

/* Variant v's id for the one at s (up to *end), a pid or tid of the caller's process; 0 if it is not one. */
static pid_t own_id(struct vset *set, const char *s, const char **end, int v)
{
	struct vset *x;
	char *e;
	long id;

	if (!isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	id = strtol(s, &e, 10);
	if ((*e && *e != '/') || errno || id <= 0 || id > INT_MAX)
		return 0;
	x = monitor_set_by_vpid((pid_t)id);
	if (!x || x->p != set->p || v >= x->n)
		return 0;
	*end = e;
	return x->t[v].tid;
}

/* Variant v's form of path, in out: true if path names the caller's process or a thread of it by number. */
static bool proc_own_path(struct vset *set, const char *path, int v, char *out, size_t len)
{
	const char *rest = path + 6;
	bool by_id = false;
	size_t n = 0;
	pid_t id;

	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	if ((id = own_id(set, rest, &rest, v)) > 0)
		by_id = (n = (size_t)snprintf(out, len, "/proc/%d", id)) < len;
	else if (strncmp(rest, "self", 4) == 0 && (rest[4] == '/' || !rest[4]))
		n = (size_t)snprintf(out, len, "/proc/%.4s", rest), rest += 4;
	else
		return false;
	if (n < len && strncmp(rest, "/task/", 6) == 0 && (id = own_id(set, rest + 6, &rest, v)) > 0)
		by_id = (n += (size_t)snprintf(out + n, len - n, "/task/%d", id)) < len;
	return by_id && n < len && (size_t)snprintf(out + n, len - n, "%s", rest) < len - n;
}

/* A path under /proc/self, or naming the program's own ids, makes the call each variant's own: its kind, or PRIV_NONE. */
static int private_path(struct vset *set, struct call *c)
{
	char *path = leader_path(set, c), own[PATH_MAX];
	int priv = path ? path_private_kind(path) : PRIV_NONE;

	if (path && proc_own_path(set, path, 0, own, sizeof(own))) {
		c->own_path = (int8_t)(path_arg(c->nr) + 1);
		priv = proc_file_kind(path);
	}
	free(path);
	return priv;
}

/*
 * Once the call is compared: each other variant's path argument points
 * to its own form of the leader's path, written below its stack's red
 * zone; its registers are put back at the call's exit.
 */
void own_path_apply(struct vset *set)
{
	struct call *c = &set->call;
	int i = c->own_path - 1;
	char own[PATH_MAX];
	char *path;

	if (!c->own_path || !(path = leader_string(set, c, i)))
		return;
	for (int v = 1; v < set->n; v++) {
		struct task *t = &set->t[v];
		size_t n;
		uint64_t at;

		if (!proc_own_path(set, path, v, own, sizeof(own)))
			continue;
		n = strlen(own) + 1;
		at = (t->regs.rsp - 128 - n) & ~15UL;
		if (mem_write(t->tid, at, own, n) < 0)
			continue; /* the path stays the leader's: the results tell */
		task_substitute(t);
		arg_set(&t->regs, i, (long)at);
		regs_put(t);
	}
	free(path);
}

/* Whether argument i, a path, is one each variant has its own of. */
static bool arg_private(struct vset *set, struct call *c, int i)
{
	char *path = leader_string(set, c, i);
	bool priv = path && path_private(path);

	free(path);
	return priv;
}

/*
 * unlink, rename, link, mkdir ... on paths each variant has its own of
 * (its own /dev/shm) run in every variant, with results compared.
 */
void sys_names_pre(struct vset *set, struct call *c)
{
	int paths = 0;

	for (int i = 0; i < c->nargs; i++) {
		if (c->arg[i].kind != A_STR)
			continue;
		if (!arg_private(set, c, i))
			return;
		paths++;
	}
	if (paths) {
		c->policy = RUN_ALLR;
		c->per_variant = true;
	}
}

/*
 * readlink of /proc/self/fd/N (or by the program's own ids): unless N is
 * a variant's own, it is the same file in every variant, and the leader's
 * name for it is the program's (another variant's twin may be a placeholder).
 */
static bool fd_link_shared(struct vset *set, struct call *c)
{
	char *path = leader_path(set, c), *s = path ? strstr(path, "/fd/") : NULL, *end;
	bool shared = false;

	if (s && strncmp(path, "/proc/", 6) == 0 && isdigit((unsigned char)s[4])) {
		long fd = strtol(s + 4, &end, 10);

		shared = !*end && !fd_private(&set->p->fds, fd);
	}
	free(path);
	return shared;
}

void sys_path_pre(struct vset *set, struct call *c)
{
	int kind = private_path(set, c);
	bool link = c->nr == __NR_readlink || c->nr == __NR_readlinkat;

	if (!kind || (link && fd_link_shared(set, c)))
		return;
	c->policy = RUN_OWN;
	c->per_variant = true;
	if (c->own_path) { /* its path is put back at the exit */
		c->policy = RUN_ALLR;
		c->own_results = true;
	}
	if (link) {
		c->policy = RUN_ALLR; /* "/proc/self", "/proc/self/fd/3" name the pid: the leader's */
		c->own_results = true;
		c->priv_kind = PRIV_PROCSTAT;
	}
}

static void open_post(struct vset *set, struct call *c)
{
	long fd = (long)set->t[0].regs.rax;

	if (c->policy == RUN_FD)
		fd = c->ret;
	fd_set_private(&set->p->fds, fd, c->per_variant ? c->priv_kind : PRIV_NONE);
}

/* p is /proc/PID/mem or /proc/PID/task/TID/mem with PID not own. */
static bool mem_of_other(const char *p, pid_t own)
{
	char *end;
	long pid;

	if (strncmp(p, "/proc/", 6) != 0 || !isdigit((unsigned char)p[6]))
		return false;
	pid = strtol(p + 6, &end, 10);
	if (strcmp(end, "/mem") && (strncmp(end, "/task/", 6) || !strstr(end, "/mem") || strcmp(strrchr(end, '/'), "/mem")))
		return false;
	return pid != own;
}

/*
 * The file the variant's path names, as the monitor sees it: relative
 * paths joined to the variant's directory (its cwd or the dirfd),
 * /proc/self and /proc/thread-self made the variant's own pid, symlinks
 * and dot-dots resolved where the file exists. Free it.
 */
static char *resolve_for(struct task *t, struct call *c, const char *path)
{
	char link[64], base[PATH_MAX], joined[2 * PATH_MAX + 64], rest[sizeof(joined)], *real;
	long dirfd = c->nr == __NR_openat ? arg_get(&t->regs, 0) : AT_FDCWD;
	ssize_t n;

	snprintf(joined, sizeof(joined), "%s", path);
	if (path[0] != '/') {
		if ((int)dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", t->tid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->tid, (int)dirfd);
		n = readlink(link, base, sizeof(base) - 1);
		base[n > 0 ? n : 0] = 0;
		snprintf(joined, sizeof(joined), "%s/%s", base, path);
	}
	if (!strncmp(joined, "/proc/self/", 11)) {
		memcpy(rest, joined + 11, sizeof(joined) - 11);
		snprintf(joined, sizeof(joined), "/proc/%d/%.*s", t->tgid, PATH_MAX, rest);
	} else if (!strncmp(joined, "/proc/thread-self/", 18)) {
		memcpy(rest, joined + 18, sizeof(joined) - 18);
		snprintf(joined, sizeof(joined), "/proc/%d/task/%d/%.*s", t->tgid, t->tid, PATH_MAX, rest);
	}
	real = realpath(joined, NULL);
	return real ? real : strdup(joined);
}

/* /proc/PID/mem (or .../task/TID/mem) of another process, however the path names it. */
static bool other_mem(struct vset *set, struct call *c, const char *p)
{
	char *real = resolve_for(&set->t[0], c, p);
	bool bad;

	if (!real)
		die("out of memory");
	bad = mem_of_other(real, set->t[0].tgid) || (strstr(real, "/mem") && mem_of_other(p, set->t[0].tgid));
	free(real);
	return bad;
}

/*
 * A variant may not open the memory of another process by number: that
 * would let one variant write into its twins (or into the monitor) behind
 * the monitor's back. Its own, /proc/self/mem, is its own.
 */
static bool refuse_mem(struct vset *set, struct call *c)
{
	char *path = leader_path(set, c);
	bool bad = path && other_mem(set, c, path);

	free(path);
	if (bad) {
		static bool told;

		if (!told)
			warn("opening another process's /proc/PID/mem is refused: EACCES");
		told = true;
		c->policy = RUN_DENY;
		c->ret = -EACCES;
	}
	return bad;
}

/* open and openat read their mode only to create a file: else it is whatever the register held. */
static void mode_unused(struct vset *set, struct call *c)
{
	int flags_at = c->nr == __NR_openat ? 2 : 1;
	long flags = arg_get(&set->t[0].regs, flags_at);

	if (c->nr != __NR_creat && !(flags & O_CREAT) && (flags & O_TMPFILE) != O_TMPFILE)
		c->arg[flags_at + 1].kind = A_NONE;
}

void sys_open_pre(struct vset *set, struct call *c)
{
	if (refuse_mem(set, c))
		return;
	mode_unused(set, c);
	tmpname_reconcile(set, c);
	c->priv_kind = private_path(set, c);
	if (c->priv_kind) {
		c->policy = RUN_ALLR;
		c->per_variant = true;
	}
}

/* Each variant has a signalfd of its own: it reads the signals it was sent. */
void sys_signalfd_pre(struct vset *set, struct call *c)
{
	(void)set;
	c->policy = RUN_ALLR;
	c->per_variant = true;
	c->priv_kind = PRIV_SIGNALFD;
}

void sys_signalfd_post(struct vset *set, struct call *c)
{
	open_post(set, c);
}

void sys_open_post(struct vset *set, struct call *c)
{
	open_post(set, c);
}

/*
 * memfd_create: each variant made its own file in memory, at the same
 * number (compared); what it holds is each variant's own, as its memory
 * is, so calls on it run in each (a file of its own, like /proc/self's).
 */
void sys_memfd_post(struct vset *set, struct call *c)
{
	(void)c;
	if ((long)set->t[0].regs.rax >= 0)
		fd_set_private(&set->p->fds, (long)set->t[0].regs.rax, PRIV_PLAIN);
}

/* Descriptor fd is closed: the monitor forgets what it knew of it. */
static void fd_closed(struct vset *set, long fd)
{
	fd_forget(set, fd);
	fd_set_private(&set->p->fds, fd, PRIV_NONE);
}

/*
 * close runs in every variant with no exit stop: the descriptor is gone
 * whatever close returns (Linux frees it even when close fails with
 * EINTR or EIO; EBADF means there was none), so the monitor forgets it
 * at entry. Until the kernel has closed it, no other call of the
 * program's can name it: the closing thread keeps its turn.
 */
void sys_close_pre(struct vset *set, struct call *c)
{
	(void)c;
	fd_closed(set, arg_get(&set->t[0].regs, 0));
}

/* close_range: the descriptors it closed are forgotten. */
void sys_fd_close_post(struct vset *set, struct call *c)
{
	long a0 = arg_get(&set->t[0].regs, 0), a1 = arg_get(&set->t[0].regs, 1);

	(void)c;
	if ((long)set->t[0].regs.rax < 0)
		return;
	if (arg_get(&set->t[0].regs, 2) & CLOSE_RANGE_CLOEXEC)
		return;
	for (long fd = a0; fd <= a1 && fd < FD_TRACK; fd++)
		fd_closed(set, fd);
}

/* dup, dup2, dup3, F_DUPFD: the copy is private when the original is. */
void sys_dup_post(struct vset *set, struct call *c)
{
	long newfd = (long)set->t[0].regs.rax;

	(void)c;
	if (newfd >= 0)
		fd_forget(set, newfd);
	if (newfd >= 0)
		fd_set_private(&set->p->fds, newfd, fd_private(&set->p->fds, arg_get(&set->t[0].regs, 0)));
}

struct cmd_rule {
	long cmd;
	enum policy policy;
	struct arg_desc arg; /* what the third argument is */
};

#define RULE_V(cmd, pol) { cmd, RUN_##pol, { .kind = A_VAL } }
#define RULE_NONE(cmd, pol) { cmd, RUN_##pol, { .kind = A_NONE } }
#define RULE_IN(cmd, pol, n) { cmd, RUN_##pol, { .kind = A_INS, .size = n } }
#define RULE_OUT(cmd, pol, n) { cmd, RUN_##pol, { .kind = A_OUTS, .size = n } }
#define RULE_IO(cmd, pol, n) { cmd, RUN_##pol, { .kind = A_IOS, .size = n } }
#define RULE_LK(cmd) { cmd, RUN_ONCE, { .kind = A_FLOCK } }

/* fcntl commands: the table of what each one's argument is. */
static const struct cmd_rule fcntl_rules[] = {
	RULE_V(F_DUPFD, ALLR), RULE_V(F_DUPFD_CLOEXEC, ALLR),
	RULE_NONE(F_GETFD, ALLR), RULE_V(F_SETFD, ALLR),
	RULE_NONE(F_GETFL, ONCE), RULE_V(F_SETFL, ONCE),
	RULE_LK(F_GETLK), RULE_LK(F_SETLK), RULE_LK(F_SETLKW),
	RULE_LK(F_OFD_GETLK), RULE_LK(F_OFD_SETLK), RULE_LK(F_OFD_SETLKW),
	RULE_NONE(F_GETOWN, ONCE), RULE_V(F_SETOWN, ONCE), RULE_NONE(F_GETSIG, ONCE), RULE_V(F_SETSIG, ONCE),
	RULE_NONE(F_GETPIPE_SZ, ONCE), RULE_V(F_SETPIPE_SZ, ONCE),
	RULE_V(F_ADD_SEALS, ONCE), RULE_NONE(F_GET_SEALS, ONCE),
	RULE_NONE(F_GETLEASE, ONCE), RULE_V(F_SETLEASE, ONCE), RULE_V(F_NOTIFY, ONCE),
};

/* ioctl requests chorus knows, and what their argument points to. */
static const struct cmd_rule ioctl_rules[] = {
	RULE_OUT(TCGETS, ONCE, 36), /* the kernel's struct termios */
	RULE_IN(TCSETS, ONCE, 36), RULE_IN(TCSETSW, ONCE, 36), RULE_IN(TCSETSF, ONCE, 36),
	RULE_OUT(TIOCGWINSZ, ONCE, sizeof(struct winsize)), RULE_IN(TIOCSWINSZ, ONCE, sizeof(struct winsize)),
	RULE_OUT(TIOCGPGRP, ONCE, sizeof(pid_t)), RULE_IN(TIOCSPGRP, ONCE, sizeof(pid_t)),
	RULE_OUT(TIOCGSID, ONCE, sizeof(pid_t)),
	RULE_OUT(TIOCGPTN, ONCE, sizeof(unsigned)), RULE_IN(TIOCSPTLCK, ONCE, sizeof(int)),
	RULE_OUT(TIOCGPTLCK, ONCE, sizeof(int)), RULE_V(TIOCGPTPEER, FD), /* a pseudo-terminal's other end */
	RULE_V(TIOCSCTTY, ONCE), RULE_NONE(TIOCNOTTY, ONCE),
	RULE_OUT(FIONREAD, ONCE, sizeof(int)), RULE_IN(FIONBIO, ONCE, sizeof(int)),
	RULE_IN(FIOASYNC, ONCE, sizeof(int)),
	RULE_NONE(FIOCLEX, ALLR), RULE_NONE(FIONCLEX, ALLR),
	RULE_V(TCFLSH, ONCE), RULE_V(TCXONC, ONCE), RULE_V(TCSBRK, ONCE),
	RULE_V(FICLONE, ONCE), RULE_IN(FICLONERANGE, ONCE, sizeof(struct file_clone_range)),
	RULE_OUT(FS_IOC_GETFLAGS, ONCE, sizeof(int)),
};

/* Applies the rule for cmd (argument 1), or refuses what no rule covers. */
static void apply_rule(struct vset *set, struct call *c, const struct cmd_rule *r, size_t n, int err)
{
	long cmd = arg_get(&set->t[0].regs, 1);

	for (size_t i = 0; i < n; i++)
		if (r[i].cmd == cmd) {
			if (!c->per_variant)
				c->policy = r[i].policy;
			c->arg[2] = r[i].arg;
			return;
		}
	warn_once_syscall(WARN_KEY(c->nr, cmd), "request is not supported: it fails");
	c->arg[2].kind = A_NONE; /* not made: whatever it points to is not compared */
	c->policy = RUN_DENY;
	c->ret = -err;
}

void sys_fcntl_pre(struct vset *set, struct call *c)
{
	apply_rule(set, c, fcntl_rules, sizeof(fcntl_rules) / sizeof(fcntl_rules[0]), EINVAL);
}

void sys_fcntl_post(struct vset *set, struct call *c)
{
	long cmd = arg_get(&set->t[0].regs, 1);

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		sys_dup_post(set, c);
}

void sys_ioctl_pre(struct vset *set, struct call *c)
{
	apply_rule(set, c, ioctl_rules, sizeof(ioctl_rules) / sizeof(ioctl_rules[0]), ENOTTY);
}

/* pipe, socketpair: each variant made its own pair; the numbers must agree. A non-blocking pipe stays each variant's own. */
void sys_pair_post(struct vset *set, struct call *c)
{
	int i = c->nr == __NR_socketpair ? 3 : 0, lead[2], other[2];
	bool own_pipe = c->nr == __NR_pipe2 && (arg_get(&set->t[0].regs, 1) & O_NONBLOCK);

	if ((long)set->t[0].regs.rax < 0)
		return;
	if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, i), lead, sizeof(lead)) != sizeof(lead))
		return;
	for (int v = 1; v < set->n; v++) {
		if (mem_read(set->t[v].tid, (uint64_t)arg_get(&set->t[v].regs, i), other, sizeof(other)) !=
			    sizeof(other) ||
		    other[0] != lead[0] || other[1] != lead[1]) {
			vset_diverge(set, "%s gave other descriptors in variant %d", c->d->name, v);
			return;
		}
	}
	for (int k = 0; k < 2; k++)
		fd_set_private(&set->p->fds, lead[k], own_pipe ? PRIV_PIPE : PRIV_NONE);
}
