/* sys/io.c - reads and writes the monitor does itself, on a copy of the leader's descriptor. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../chorus.h"

/*
 * A write to a file or /dev/null cannot block, so the leader need not make
 * it: the monitor makes it on its own copy of the leader's descriptor (the
 * same open file, the same offset) and every variant skips the call. That
 * saves the leader's exit stop. Pipes, sockets and terminals can block:
 * their calls stay with the leader, so the monitor never waits on the world.
 */
#define MAX_DIRECT (1 << 20)

static bool never_blocks(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return false;
	if (S_ISREG(st.st_mode))
		return true;
	return S_ISCHR(st.st_mode) && major(st.st_rdev) == 1; /* null, zero, full, random, urandom */
}

/* The monitor's copy of the leader's fd, or -1 when the call must stay with the leader. */
static int monitor_fd(struct vset *set, long fd)
{
	struct fdstate *f = &set->fds;

	if (fd < 0 || fd >= FD_TRACK)
		return -1;
	if (f->mon[fd] == 0) {
		int m;

		if (f->pidfd <= 0)
			f->pidfd = (int)syscall(SYS_pidfd_open, set->t[0].tid, 0);
		m = f->pidfd > 0 ? (int)syscall(SYS_pidfd_getfd, f->pidfd, (int)fd, 0) : -1;
		if (m >= 0 && !never_blocks(m)) {
			close(m);
			m = -1;
		}
		f->mon[fd] = m;
	}
	return f->mon[fd];
}

void fd_forget(struct vset *set, long fd)
{
	if (fd < 0 || fd >= FD_TRACK)
		return;
	if (set->fds.mon[fd] > 0)
		close(set->fds.mon[fd]);
	set->fds.mon[fd] = 0;
}

static long do_write(struct vset *set, int m, long len, long off, bool at)
{
	char *buf = malloc((size_t)len + 1);
	long r;

	if (!buf)
		return -ENOMEM;
	if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, 1), buf, (size_t)len) != len)
		r = -EFAULT;
	else
		r = at ? pwrite(m, buf, (size_t)len, off) : write(m, buf, (size_t)len);
	if (r < 0)
		r = -errno;
	free(buf);
	return r;
}

static long do_read(struct vset *set, int m, long len, long off, bool at)
{
	char *buf = malloc((size_t)len + 1);
	long r;

	if (!buf)
		return -ENOMEM;
	r = at ? pread(m, buf, (size_t)len, off) : read(m, buf, (size_t)len);
	if (r < 0)
		r = -errno;
	for (int i = 0; i < set->n && r > 0; i++)
		if (mem_write(set->t[i].tid, (uint64_t)arg_get(&set->t[i].regs, 1), buf, (size_t)r) < 0)
			r = -EFAULT; /* checked below: the same for all, or a divergence */
	free(buf);
	return r;
}

/* True when the monitor made the call; its result is in set->call.ret. */
bool io_by_monitor(struct vset *set)
{
	struct call *c = &set->call;
	long nr = c->nr, len = arg_get(&set->t[0].regs, 2), off = arg_get(&set->t[0].regs, 3);
	bool w = nr == __NR_write || nr == __NR_pwrite64, at = nr == __NR_pread64 || nr == __NR_pwrite64;
	int m;

	if (!w && nr != __NR_read && nr != __NR_pread64)
		return false;
	if (len <= 0 || len > MAX_DIRECT)
		return false;
	m = monitor_fd(set, arg_get(&set->t[0].regs, 0));
	if (m < 0)
		return false;
	c->ret = w ? do_write(set, m, len, off, at) : do_read(set, m, len, off, at);
	return true; /* a fault is the call's own result, as the kernel would give it */
}
