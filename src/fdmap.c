/* fdmap.c - what the monitor knows of descriptors: which are private, how to mirror one. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "chorus.h"

/* The private kind of fd (PRIV_NONE when its data is shared). */
int fd_private(const struct fdstate *f, long fd)
{
	return fd >= 0 && fd < FD_TRACK ? f->priv[fd] : PRIV_NONE;
}

void fd_set_private(struct fdstate *f, long fd, int kind)
{
	if (fd >= 0 && fd < FD_TRACK)
		f->priv[fd] = (uint8_t)kind;
}

/* A private path whose text holds the process's own pid: stat, status. */
int path_private_kind(const char *path)
{
	if (!path_private(path))
		return PRIV_NONE;
	if (strcmp(path, "/proc/self") == 0 || strcmp(path, "/proc/thread-self") == 0)
		return PRIV_SELF;
	return proc_file_kind(path);
}

/* A file of a process's own in /proc: PRIV_PROCSTAT if it shows its pid (stat, status), else PRIV_PLAIN. */
int proc_file_kind(const char *path)
{
	const char *base = strrchr(path, '/');

	if (base && (strcmp(base, "/stat") == 0 || strcmp(base, "/status") == 0))
		return PRIV_PROCSTAT;
	return PRIV_PLAIN;
}

static bool shm_private;

void shm_set_private(bool own)
{
	shm_private = own;
}

/*
 * /proc/self/... and /proc/thread-self/...: each variant must read its own;
 * /dev/shm/... when each variant has its own /dev/shm.
 */
bool path_private(const char *path)
{
	static const char *const roots[] = { "/proc/self", "/proc/thread-self", "/dev/shm" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) - !shm_private; i++) {
		size_t n = strlen(roots[i]);

		if (strncmp(path, roots[i], n) == 0 && (path[n] == 0 || path[n] == '/'))
			return true;
	}
	return false;
}

static int fd_stat(pid_t pid, int fd, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	return stat(path, st);
}

/* Character devices that are safe to open again: null, zero, full, random, urandom. */
static bool harmless_chr(dev_t rdev)
{
	unsigned mi = minor(rdev);

	return major(rdev) == 1 && (mi == 3 || mi == 5 || mi == 7 || mi == 8 || mi == 9);
}

/*
 * A file in /proc that is not the variant's own (those are opened by each,
 * not mirrored): /proc/mounts or /proc/net/... (links into the opener's
 * own directory, which another variant opening it would not share), or
 * another process's: the leader's is the program's.
 */
static bool on_procfs(pid_t pid, int fd)
{
	char path[64];
	struct statfs sf;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	return statfs(path, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/*
 * How the other variants get a twin of the leader's new descriptor: a file,
 * a directory or a harmless device is opened again by each (so mmap works
 * everywhere); anything else (pipes, sockets, terminals, event fds) gets a
 * placeholder, because only the leader ever does I/O on it, and a second
 * opener of a FIFO or a terminal would change what the world sees.
 */
int fd_mirror_kind(pid_t leader, int fd)
{
	struct stat st;

	if (fd_stat(leader, fd, &st) < 0 || on_procfs(leader, fd))
		return MIRROR_PLACEHOLDER;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return MIRROR_REOPEN;
	if (S_ISCHR(st.st_mode) && harmless_chr(st.st_rdev))
		return MIRROR_REOPEN;
	return MIRROR_PLACEHOLDER;
}

/* Is fd open in process pid (or can it not be told)? */
bool fd_in_use(pid_t pid, int fd)
{
	struct stat st;

	return fd_stat(pid, fd, &st) == 0 || errno != ENOENT;
}

bool fd_same_file(pid_t a, pid_t b, int fd)
{
	struct stat x, y;

	if (fd_stat(a, fd, &x) < 0 || fd_stat(b, fd, &y) < 0)
		return false;
	return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* The flags process pid's fd was opened with, as /proc/PID/fdinfo shows them; -1 if unknown. */
long fd_flags(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned long flags;
	long found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "flags: %lo", &flags) == 1)
			found = (long)flags;
	fclose(f);
	return found;
}

bool fd_cloexec(pid_t pid, int fd)
{
	long flags = fd_flags(pid, fd);

	return flags > 0 && (flags & O_CLOEXEC);
}

/* After execve, descriptors closed on exec are no longer private. */
void fd_exec_sync(struct vset *set)
{
	for (int fd = 0; fd < FD_TRACK; fd++) {
		char path[64];

		fd_forget(set, fd);
		if (!fd_private(&set->p->fds, fd))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", set->t[0].tid, fd);
		if (access(path, F_OK) < 0)
			fd_set_private(&set->p->fds, fd, PRIV_NONE);
	}
}

/* Replaces the decimal `from` at buf[pos] by `to`, keeping the text's tail. */
static size_t swap_number(char *buf, size_t n, size_t cap, size_t pos, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);

	if (pos + fl > n || memcmp(buf + pos, from, fl) != 0 || (pos + fl < n && buf[pos + fl] >= '0' && buf[pos + fl] <= '9'))
		return n;
	if (n - fl + tl > cap)
		return n;
	memmove(buf + pos + tl, buf + pos + fl, n - pos - fl);
	memcpy(buf + pos, to, tl);
	return n - fl + tl;
}

/*
 * The id at buf[pos], variant v's real pid or tid in a process of the
 * program (in set's own process when own), becomes the one the program
 * sees (its leader's).
 */
static size_t swap_id(char *buf, size_t n, size_t cap, size_t pos, const struct vset *set, int v, bool own)
{
	char real[16], virt[16];
	size_t len = 0;
	struct vset *x;

	while (pos + len < n && len < sizeof(real) - 1 && buf[pos + len] >= '0' && buf[pos + len] <= '9') {
		real[len] = buf[pos + len];
		len++;
	}
	real[len] = 0;
	x = len ? monitor_set_of(v, (pid_t)atol(real)) : NULL;
	if (!x || (own && x->p != set->p))
		return n;
	snprintf(virt, sizeof(virt), "%d", x->vpid);
	return swap_number(buf, n, cap, pos, real, virt);
}

/* /proc/.../stat: the parent, process group, session (fields 4 to 6) and terminal's foreground group (8). */
static size_t fix_stat_ids(char *buf, size_t n, size_t cap, const struct vset *set, int v)
{
	char *end = memrchr(buf, ')', n);
	size_t pos;

	if (!end || buf[0] < '0' || buf[0] > '9')
		return n;
	pos = (size_t)(end - buf) + 1;
	for (int field = 3; field <= 8 && pos < n && buf[pos] == ' '; field++) {
		pos++;
		if (field >= 4 && field != 7)
			n = swap_id(buf, n, cap, pos, set, v, false);
		while (pos < n && buf[pos] != ' ')
			pos++;
	}
	return n;
}

/* /proc/.../stat and status: the ids of the task, its process and its parent read as the leader's. */
static size_t fix_procstat(char *buf, size_t n, size_t cap, const struct vset *set, int v)
{
	/* own: an id in the reader's process; else one of any process of the program */
	static const struct { const char *key; bool own; } ids[] = {
		{ "\nPid:\t", true }, { "\nTgid:\t", true }, { "\nNSpid:\t", true }, { "\nNStgid:\t", true },
		{ "/task/", true }, { "/proc/", true },
		{ "\nPPid:\t", false }, { "\nNSpgid:\t", false }, { "\nNSsid:\t", false },
	};

	n = swap_id(buf, n, cap, 0, set, v, true);
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
		char *at = memmem(buf, n, ids[k].key, strlen(ids[k].key));

		if (at)
			n = swap_id(buf, n, cap, (size_t)(at - buf) + strlen(ids[k].key), set, v, ids[k].own);
	}
	return fix_stat_ids(buf, n, cap, set, v);
}

/*
 * The monitor is every variant's tracer; natively there is none: a
 * program that looks (anti-debugging) reads 0 as it would.
 */
static size_t hide_tracer(char *buf, size_t n, size_t cap)
{
	static const char key[] = "\nTracerPid:\t";
	char *at = memmem(buf, n, key, strlen(key));
	char self[16];

	if (!at)
		return n;
	snprintf(self, sizeof(self), "%d", (int)getpid());
	return swap_number(buf, n, cap, (size_t)(at - buf) + strlen(key), self, "0");
}

/*
 * After a read of a private descriptor (or readlink of /proc/self): in each
 * other variant, its own pid becomes the leader's, the pid it believes is
 * its own; in each, the tracer is hidden.
 */
void fd_rewrite_pids(struct vset *set)
{
	static char buf[1 << 16];
	int b = set->call.nr == __NR_readlinkat ? 2 : 1; /* the buffer; its size follows */

	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];
		long got = (long)t->regs.rax, cap = arg_get(&t->regs, b + 1);
		uint64_t addr = (uint64_t)arg_get(&t->regs, b);
		size_t n, room = (size_t)(cap < (long)sizeof(buf) ? cap : (long)sizeof(buf));

		if (got <= 0 || got > (long)sizeof(buf) || mem_read(t->tid, addr, buf, (size_t)got) != got)
			continue;
		n = i ? fix_procstat(buf, (size_t)got, room, set, i) : (size_t)got;
		n = hide_tracer(buf, n, room);
		if ((long)n == got && !i)
			continue;
		mem_write(t->tid, addr, buf, n);
		if ((long)n != got) {
			t->regs.rax = n;
			regs_put(t);
		}
	}
}
