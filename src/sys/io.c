/* sys/io.c - reads and writes the monitor does itself, on a copy of the leader's descriptor. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
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
	struct fdstate *f = &set->p->fds;

	if (fd < 0 || fd >= FD_TRACK)
		return -1;
	if (f->mon[fd] == 0) {
		int m;

		if (f->pidfd <= 0)
			f->pidfd = (int)syscall(SYS_pidfd_open, set->p->main->t[0].tid, 0);
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
	if (set->p->fds.mon[fd] > 0)
		close(set->p->fds.mon[fd]);
	set->p->fds.mon[fd] = 0;
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

/* Per-process and per-thread CPU clocks are the leader's to read. */
void sys_clock_pre(struct vset *set, struct call *c)
{
	long clk = arg_get(&set->t[0].regs, 0);

	if (clk < 0 || clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID)
		c->policy = RUN_ONCE;
}

/* The bytes argument i received, given the result. */
static size_t got_bytes(const struct arg_desc *a, size_t cap, long ret)
{
	if (a->kind == A_OUTS)
		return a->size;
	return (size_t)ret < cap ? (size_t)ret : cap;
}

/*
 * Clock, randomness, uname: the monitor asks the kernel itself, with its own
 * buffers for the outputs, and writes what it got into every variant. Each
 * variant stops once; none makes the call. False when an argument is of a
 * kind this cannot do, and the leader must make the call.
 */
bool call_in_monitor(struct vset *set)
{
	struct call *c = &set->call;
	long a[6] = { 0 };
	void *buf[6] = { 0 };
	size_t cap[6] = { 0 };
	bool ok = true;

	for (int i = 0; i < c->nargs; i++) {
		const struct arg_desc *d = &c->arg[i];

		a[i] = arg_get(&set->t[0].regs, i);
		if (d->kind == A_VAL || d->kind == A_NONE || !a[i])
			continue;
		if (d->kind == A_OUTS)
			cap[i] = d->size;
		else if (d->kind == A_OUT && arg_get(&set->t[0].regs, d->len) <= MAX_DIRECT)
			cap[i] = (size_t)arg_get(&set->t[0].regs, d->len);
		else
			ok = false;
		buf[i] = calloc(1, cap[i] + 1);
		a[i] = (long)(uintptr_t)buf[i];
	}
	if (ok) {
		c->ret = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (c->ret < 0)
			c->ret = -errno;
		for (int v = 0; v < set->n; v++)
			for (int i = 0; i < c->nargs && c->ret >= 0; i++)
				if (buf[i] && mem_write(set->t[v].tid, (uint64_t)arg_get(&set->t[v].regs, i), buf[i],
							got_bytes(&c->arg[i], cap[i], c->ret)) < 0)
					c->ret = -EFAULT;
	}
	for (int i = 0; i < 6; i++)
		free(buf[i]);
	return ok;
}
