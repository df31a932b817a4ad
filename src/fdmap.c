/* fdmap.c - what the monitor knows of descriptors: which are private, how to mirror one. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "chorus.h"

bool fd_private(const struct fdstate *f, long fd)
{
	return fd >= 0 && fd < FD_TRACK && (f->priv[fd / 8] & (1u << (fd % 8)));
}

void fd_set_private(struct fdstate *f, long fd, bool on)
{
	if (fd < 0 || fd >= FD_TRACK)
		return;
	if (on)
		f->priv[fd / 8] |= (uint8_t)(1u << (fd % 8));
	else
		f->priv[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

/* /proc/self/... and /proc/thread-self/...: each variant must read its own. */
bool path_private(const char *path)
{
	static const char *const roots[] = { "/proc/self", "/proc/thread-self" };

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
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
 * How the other variants get a twin of the leader's new descriptor: a file,
 * a directory or a harmless device is opened again by each (so mmap works
 * everywhere); anything else (pipes, sockets, terminals, event fds) gets a
 * placeholder, because only the leader ever does I/O on it, and a second
 * opener of a FIFO or a terminal would change what the world sees.
 */
int fd_mirror_kind(pid_t leader, int fd)
{
	struct stat st;

	if (fd_stat(leader, fd, &st) < 0)
		return MIRROR_PLACEHOLDER;
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return MIRROR_REOPEN;
	if (S_ISCHR(st.st_mode) && harmless_chr(st.st_rdev))
		return MIRROR_REOPEN;
	return MIRROR_PLACEHOLDER;
}

bool fd_same_file(pid_t a, pid_t b, int fd)
{
	struct stat x, y;

	if (fd_stat(a, fd, &x) < 0 || fd_stat(b, fd, &y) < 0)
		return false;
	return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

bool fd_cloexec(pid_t pid, int fd)
{
	char path[64], line[128];
	unsigned long flags = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "flags: %lo", &flags) == 1)
			break;
	fclose(f);
	return flags & O_CLOEXEC;
}

/* After execve, descriptors closed on exec are no longer private. */
void fd_exec_sync(struct vset *set)
{
	for (int fd = 0; fd < FD_TRACK; fd++) {
		char path[64];

		if (!fd_private(&set->fds, fd))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", set->t[0].tid, fd);
		if (access(path, F_OK) < 0)
			fd_set_private(&set->fds, fd, false);
	}
}
