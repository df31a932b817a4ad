/* sys/io.c - reads and writes the monitor does itself, on a copy of the leader's descriptor. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "../chorus.h"
#include "../blob.h"
#include "../signals.h"

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

/* A copy of the leader's fd (the same open file), or -1. */
static int fd_copy(struct vset *set, long fd)
{
	struct fdstate *f = &set->p->fds;

	if (f->pidfd <= 0)
		f->pidfd = (int)syscall(SYS_pidfd_open, set->p->main->t[0].tid, 0);
	return f->pidfd > 0 ? (int)syscall(SYS_pidfd_getfd, f->pidfd, (int)fd, 0) : -1;
}

/* The monitor's copy of the leader's fd, or -1 when the call must stay with the leader. */
int io_monitor_fd(struct vset *set, long fd)
{
	struct fdstate *f = &set->p->fds;

	if (fd < 0 || fd >= FD_TRACK)
		return -1;
	if (f->mon[fd] == 0) {
		int m = fd_copy(set, fd);

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
	set->p->fds.null[fd] = 0;
}

/* Writes the leader's data as it was compared (read again only if it was not kept). */
static long do_write(struct vset *set, int m, long len, long off, bool at)
{
	const struct blob *b = compared_data(set, 1);
	const char *data = b && !b->fault && b->n == (size_t)len ? (const char *)b->p : NULL;
	char *buf = NULL;
	long r;

	if (!data) {
		buf = malloc((size_t)len + 1);
		if (!buf)
			return -ENOMEM;
		if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, 1), buf, (size_t)len) != len) {
			free(buf);
			return -EFAULT;
		}
		data = buf;
	}
	r = at ? pwrite(m, data, (size_t)len, off) : write(m, data, (size_t)len);
	if (r < 0)
		r = -errno;
	free(buf);
	return r;
}

/*
 * read or pread through the monitor's own descriptor m: the result as the
 * kernel gives it to a tracee. The monitor's own signals (its timer, one
 * to forward) wait meanwhile: /dev/urandom and /dev/zero end a long read
 * early when a signal is pending, which the program, with none, would not
 * see natively.
 */
long io_read_fd(int m, void *buf, long len, long off, bool at)
{
	sigset_t all, old;
	ssize_t r;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r = at ? pread(m, buf, (size_t)len, off) : read(m, buf, (size_t)len);
	if (r < 0)
		r = -errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* The r bytes a read got through m could not be stored: as the kernel, it leaves the offset alone. */
long io_read_lost(int m, long r, bool at)
{
	if (!at && r > 0)
		lseek(m, -r, SEEK_CUR);
	return -EFAULT;
}

static long do_read(struct vset *set, int m, long len, long off, bool at)
{
	char *buf = malloc((size_t)len + 1);
	long r;

	if (!buf)
		return -ENOMEM;
	r = io_read_fd(m, buf, len, off, at);
	for (int i = 0; i < set->n && r > 0; i++)
		if (mem_write(set->t[i].tid, (uint64_t)arg_get(&set->t[i].regs, 1), buf, (size_t)r) < 0)
			r = io_read_lost(m, r, at); /* checked below: the same for all, or a divergence */
	free(buf);
	return r;
}

/* Is fd /dev/null in every variant? */
static bool null_in_all(const struct vset *set, long fd)
{
	for (int k = 0; k < set->n; k++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d/fd/%ld", set->t[k].tid, fd);
		if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			return false;
	}
	return true;
}

/*
 * A write to a descriptor that is /dev/null in every variant (a variant
 * opens harmless devices again itself): each variant's kernel makes it,
 * with no effect and the same result, so the monitor neither writes nor
 * sets any register. The data was compared all the same.
 */
bool io_to_null(struct vset *set)
{
	struct fdstate *f = &set->p->fds;
	long nr = set->call.nr, fd = arg_get(&set->t[0].regs, 0);

	if ((nr != __NR_write && nr != __NR_writev && nr != __NR_pwrite64) || fd < 0 || fd >= FD_TRACK)
		return false;
	if (!f->null[fd])
		f->null[fd] = null_in_all(set, fd) ? 1 : 2;
	return f->null[fd] == 1;
}

/* True when the monitor made the call; its result is in set->call.ret. */
bool io_by_monitor(struct vset *set)
{
	struct call *c = &set->call;
	long nr = c->nr, len = arg_get(&set->t[0].regs, 2), off = arg_get(&set->t[0].regs, 3);
	bool w = nr == __NR_write || nr == __NR_pwrite64, at = nr == __NR_pread64 || nr == __NR_pwrite64;
	int m;

	if ((!w && nr != __NR_read && nr != __NR_pread64) || c->priv_kind)
		return false;
	if (len <= 0 || len > MAX_DIRECT)
		return false;
	m = io_monitor_fd(set, arg_get(&set->t[0].regs, 0));
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
		if (d->kind == A_VAL || d->kind == A_INT || d->kind == A_NONE || !a[i])
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

/*
 * A write to a full pipe or socket blocks until a reader drains it. When
 * the reader takes turns with the writer (another thread of its process,
 * or a process that shares memory with it), the writer must give its turn
 * up meanwhile, or neither moves; but another thread could then rewrite
 * the buffer the monitor compared before the kernel reads it. So the
 * monitor makes such a call itself (write, writev, sendto, or sendmsg
 * with no control message but descriptors passed, SCM_RIGHTS, which go
 * as the monitor's copies of the leader's with the first bytes sent, and
 * the leader's own credentials; on a unix socket every piece carries the
 * leader's credentials, as the kernel gives them to a receiver that asks),
 * from the data and address it compared, without blocking: on a descriptor
 * of its own for a pipe (opened through /proc: another open file of the
 * same pipe, made non-blocking), or with MSG_DONTWAIT on a copy of the
 * socket; it goes on as room comes. The variants' calls are skipped and
 * return the count, as the blocking call would. A signal for the
 * writing thread ends it as it would end the call: with the count sent,
 * or, before anything was, with EINTR or a restart (SA_RESTART).
 */
#define MAX_RIGHTS 64

struct pipe_write {
	struct vset *set;
	int fd;
	bool sock;
	int flags; /* send's */
	struct sockaddr_storage to; /* where a datagram goes (tolen 0: connected) */
	socklen_t tolen;
	union { /* SCM_RIGHTS to go with the first bytes, naming the monitor's copies */
		char buf[CMSG_SPACE(MAX_RIGHTS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	size_t ctllen; /* 0 once sent, or when there are none */
	struct ucred cred; /* the leader's, sent with every piece on a unix socket */
	int cred_read;	   /* 1: cred holds them, -1: they cannot be read, 0: not read yet */
	bool with_cred;
	char *buf;
	size_t len, done;
	struct pipe_write *next;
};

static struct pipe_write *pending;

/* Retries every ms while writes are pending. */
static void retry_timer(void)
{
	static struct tick timer;
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };

	if (!timer.made && !pending)
		return;
	if (!pending)
		its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
	tick_set(&timer, 0, &its);
}

/*
 * The leader's fd is a blocking pipe or socket: a descriptor of the
 * monitor's to send on without blocking, or -1 (the leader makes the call).
 */
static int out_fd(struct vset *set, long fd, bool *sock)
{
	pid_t tid = set->t[0].tid;
	char path[64];
	struct stat st;
	long fl;

	snprintf(path, sizeof(path), "/proc/%d/fd/%ld", tid, fd);
	if (fd < 0 || fd >= FD_TRACK || stat(path, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return -1;
	fl = fd_flags(tid, (int)fd);
	if (fl < 0 || (fl & (O_NONBLOCK | O_DIRECT)))
		return -1;
	*sock = S_ISSOCK(st.st_mode);
	if (*sock)
		return fd_copy(set, fd);
	return open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC); /* fails with no reader: the leader gets EPIPE */
}

/* Calls fn on every descriptor of the SCM_RIGHTS messages in w->ctl. */
static void each_right(struct pipe_write *w, void (*fn)(int *fd, void *arg), void *arg)
{
	struct msghdr m = { .msg_control = w->ctl.buf, .msg_controllen = w->ctllen };

	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		for (size_t at = CMSG_LEN(0); c->cmsg_type == SCM_RIGHTS && at + sizeof(int) <= c->cmsg_len;
		     at += sizeof(int))
			fn((int *)(void *)((char *)c + at), arg);
}

static void close_right(int *fd, void *arg)
{
	(void)arg;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The rights went with the first bytes, or the call ends: the monitor's copies close. */
static void drop_rights(struct pipe_write *w)
{
	each_right(w, close_right, NULL);
	w->ctllen = 0;
}

/* Replaces a leader's descriptor in the message by the monitor's copy of it (-1 if it cannot). */
static void copy_right(int *fd, void *arg)
{
	*fd = fd_copy(arg, *fd);
}

static void pipe_write_free(struct pipe_write *w)
{
	for (struct pipe_write **pp = &pending; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	w->set->pw = NULL;
	drop_rights(w);
	close(w->fd);
	free(w->buf);
	free(w);
	retry_timer();
}

union control {
	char buf[CMSG_SPACE(MAX_RIGHTS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	struct cmsghdr align;
};

/*
 * The control messages of the next piece in m: the descriptors, until
 * they went, and the leader's credentials. A receiver that asked for
 * credentials (SO_PASSCRED) would otherwise get the monitor's.
 */
static void control_of(const struct pipe_write *w, union control *ctl, struct msghdr *m)
{
	size_t at = CMSG_ALIGN(w->ctllen);
	struct cmsghdr *c = (struct cmsghdr *)(void *)(ctl->buf + at);

	memcpy(ctl->buf, w->ctl.buf, w->ctllen);
	m->msg_control = w->ctllen || w->with_cred ? ctl->buf : NULL;
	m->msg_controllen = w->ctllen;
	if (!w->with_cred)
		return;
	memset(c, 0, CMSG_SPACE(sizeof(w->cred)));
	*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(w->cred)), .cmsg_level = SOL_SOCKET,
			       .cmsg_type = SCM_CREDENTIALS };
	memcpy(CMSG_DATA(c), &w->cred, sizeof(w->cred));
	m->msg_controllen = at + CMSG_SPACE(sizeof(w->cred));
}

static ssize_t send_piece(struct pipe_write *w, const char *at, size_t left)
{
	struct iovec v = { (void *)at, left };
	struct msghdr m = { .msg_name = w->tolen ? &w->to : NULL, .msg_namelen = w->tolen, .msg_iov = &v, .msg_iovlen = 1 };
	union control ctl;
	ssize_t r;

	if (!w->sock)
		return write(w->fd, at, left);
	control_of(w, &ctl, &m);
	r = sendmsg(w->fd, &m, w->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r < 0 && errno == EPERM && w->with_cred) { /* refused after all: the monitor's own go */
		w->with_cred = false;
		return send_piece(w, at, left);
	}
	return r;
}

/* Sends what room there is; true when the call is over, with its result in *ret. */
static bool pipe_write_more(struct pipe_write *w, long *ret)
{
	ssize_t r = send_piece(w, w->buf + w->done, w->len - w->done);

	if (r > 0) {
		w->done += (size_t)r;
		drop_rights(w);
	}
	if (w->done == w->len) {
		*ret = (long)w->len;
		return true;
	}
	if (r >= 0 || errno == EAGAIN || errno == EINTR)
		return false;
	if (errno == EPIPE && !(w->flags & MSG_NOSIGNAL)) /* as the kernel: SIGPIPE to the writer */
		syscall(SYS_tgkill, w->set->t[0].tgid, w->set->t[0].tid, SIGPIPE);
	*ret = w->done ? (long)w->done : -errno;
	return true;
}

/* The set's call is over: every variant returns ret and goes on when its turn comes. */
static void pipe_write_end(struct pipe_write *w, long ret)
{
	struct vset *set = w->set;

	pipe_write_free(w);
	set->phase = PH_RUN;
	vset_skip_all(set, ret);
}

/*
 * The data argument (1) of the call, read again now from the leader, in
 * b: true if every other variant holds the same now (a call of another
 * thread, made by the leader's kernel meanwhile, could have changed the
 * leader's).
 */
static bool data_now(struct vset *set, struct blob *b)
{
	const struct arg_desc *a = &set->call.arg[1];
	bool same;

	blob_load(b, &set->t[0], a, 1);
	same = !b->fault && !b->null;
	for (int i = 1; same && i < set->n; i++) {
		struct blob o;

		blob_load(&o, &set->t[i], a, 1);
		same = blob_same(b, &o);
		blob_free(&o);
	}
	return same;
}

/* The leader's socket address at addr, len bytes, into w; false if it cannot be read. */
static bool address_of(struct vset *set, struct pipe_write *w, uint64_t addr, long len)
{
	if (len <= 0 || len > (long)sizeof(w->to))
		return false;
	w->tolen = (socklen_t)len;
	return mem_read(set->t[0].tid, addr, &w->to, (size_t)len) == len;
}

/*
 * The leader's pid (the program's), real uid and gid, as the kernel would
 * send them, into w->cred (read once per call); false if they cannot be read.
 */
static bool leader_cred(struct pipe_write *w)
{
	const struct task *t = &w->set->t[0];
	char path[64], line[256];
	int got = 0;
	FILE *f;

	if (w->cred_read)
		return w->cred_read > 0;
	w->cred_read = -1;
	w->cred.pid = t->tgid;
	snprintf(path, sizeof(path), "/proc/%d/status", t->tid);
	if (!(f = fopen(path, "re")))
		return false;
	while (got < 2 && fgets(line, sizeof(line), f))
		got += sscanf(line, "Uid: %u", &w->cred.uid) == 1 || sscanf(line, "Gid: %u", &w->cred.gid) == 1;
	fclose(f);
	if (got == 2)
		w->cred_read = 1;
	return got == 2;
}

/* May the monitor send another process's pid as credentials (CAP_SYS_ADMIN)? Asked once: it never changes. */
static bool may_send_cred(void)
{
	static int may = -1;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (may < 0)
		may = syscall(SYS_capget, &h, d) == 0 &&
		      (d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN));
	return may;
}

/*
 * Is c credentials the leader may send as its own (its pid, its real uid
 * and gid), which the monitor may send for it?
 */
static bool own_cred(struct pipe_write *w, const struct cmsghdr *c)
{
	struct ucred u;

	if (c->cmsg_type != SCM_CREDENTIALS || c->cmsg_len != CMSG_LEN(sizeof(u)) || !may_send_cred() ||
	    !leader_cred(w))
		return false;
	memcpy(&u, CMSG_DATA(c), sizeof(u));
	return u.pid == w->cred.pid && u.uid == w->cred.uid && u.gid == w->cred.gid;
}

/*
 * Whether every cmsg of w->ctl passes descriptors (SCM_RIGHTS, at most
 * MAX_RIGHTS) or the leader's own credentials, which the monitor sends
 * anyway; others stay with the leader (the kernel checks them against
 * the sender, and the monitor is another sender).
 */
static bool only_rights(struct pipe_write *w)
{
	struct msghdr m = { .msg_control = w->ctl.buf, .msg_controllen = w->ctllen };

	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_len < CMSG_LEN(0) ||
		    (c->cmsg_type != SCM_RIGHTS && !own_cred(w, c)))
			return false;
	return true;
}

static void count_bad(int *fd, void *arg)
{
	*(int *)arg += *fd < 0;
}

/*
 * The descriptors a sendmsg passes (SCM_RIGHTS), as the monitor's copies
 * of the leader's, in w->ctl; false if it has control messages other
 * than those and the leader's credentials, or a copy cannot be made.
 */
static bool rights_of(struct vset *set, struct pipe_write *w, const struct msghdr *m)
{
	int bad = 0;

	if (m->msg_controllen > sizeof(w->ctl.buf) ||
	    mem_read(set->t[0].tid, (uint64_t)(uintptr_t)m->msg_control, w->ctl.buf, m->msg_controllen) !=
		    (ssize_t)m->msg_controllen)
		return false;
	w->ctllen = m->msg_controllen;
	if (!only_rights(w)) {
		w->ctllen = 0;
		return false;
	}
	each_right(w, copy_right, set);
	each_right(w, count_bad, &bad);
	if (bad)
		drop_rights(w);
	return !bad;
}

/*
 * A call the monitor can send for the set (write, writev, sendto, sendmsg
 * with no control message but descriptors): its flags, address and
 * descriptors into w; in *skip how many bytes of the compared data
 * argument come before the data (sendmsg's name), in *tail how many after
 * (its control messages).
 */
static bool sendable(struct vset *set, struct pipe_write *w, size_t *skip, size_t *tail)
{
	const struct user_regs_struct *r = &set->t[0].regs;
	long nr = set->call.nr;
	struct msghdr m;

	*skip = *tail = 0;
	if (nr == __NR_write || nr == __NR_writev)
		return true;
	if (nr == __NR_sendto) {
		w->flags = (int)arg_get(r, 3);
		if (arg_get(r, 4) && !address_of(set, w, (uint64_t)arg_get(r, 4), arg_get(r, 5)))
			return false;
	} else if (nr == __NR_sendmsg) {
		if (mem_read(set->t[0].tid, (uint64_t)arg_get(r, 1), &m, sizeof(m)) != sizeof(m))
			return false;
		w->flags = (int)arg_get(r, 2);
		if (m.msg_name && !address_of(set, w, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen))
			return false;
		if (m.msg_control && m.msg_controllen && !rights_of(set, w, &m))
			return false;
		*skip = m.msg_name ? m.msg_namelen : 0;
		*tail = m.msg_control ? m.msg_controllen : 0;
	} else {
		return false;
	}
	if (w->flags & (MSG_OOB | MSG_DONTWAIT)) {
		drop_rights(w);
		return false;
	}
	return true;
}

static bool unix_socket(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX;
}

/* A call that sends data, in a set that takes turns: made by the monitor. True when it is. */
bool pipe_write_begin(struct vset *set)
{
	struct pipe_write *w = calloc(1, sizeof(*w));
	struct blob b;
	size_t skip, tail;
	long ret;

	if (!w)
		die("out of memory");
	w->set = set;
	w->fd = -1;
	if (!sendable(set, w, &skip, &tail) || (w->fd = out_fd(set, arg_get(&set->t[0].regs, 0), &w->sock)) < 0 ||
	    (w->ctllen && !w->sock)) {
		if (w->fd >= 0)
			close(w->fd);
		drop_rights(w);
		free(w);
		return false;
	}
	w->with_cred = w->sock && unix_socket(w->fd) && may_send_cred() && leader_cred(w);
	if (!data_now(set, &b) || b.n < skip + tail) {
		close(w->fd);
		drop_rights(w);
		free(w);
		blob_free(&b);
		vset_diverge(set, "the data sent changed in a variant after it was compared");
		return true;
	}
	if (skip)
		memmove(b.p, b.p + skip, b.n - skip);
	w->buf = (char *)b.p;
	w->len = b.n - skip - tail;
	w->next = pending;
	pending = w;
	set->pw = w;
	if (pipe_write_more(w, &ret)) {
		pipe_write_end(w, ret);
		return true;
	}
	set->phase = PH_WRITE;
	retry_timer();
	sched_release(set);
	return true;
}

/* A signal came for the writer: the call ends as the kernel would end it. */
static void pipe_write_interrupted(struct pipe_write *w)
{
	struct vset *set = w->set;

	if (w->done) {
		pipe_write_end(w, (long)w->done);
		return;
	}
	pipe_write_free(w);
	set->phase = PH_RUN;
	vset_redo_all(set);
}

/* Called by the event loop on its timer: pending writes go on. */
void pipe_writes_retry(void)
{
	long ret;

	for (struct pipe_write *w = pending, *next; w; w = next) {
		next = w->next;
		if (pipe_write_more(w, &ret)) {
			pipe_write_end(w, ret);
			next = pending; /* the list may have changed */
		}
	}
}

/* Sends of main threads (or of the others) whose thread has a signal end (signals_look()). */
void pipe_writes_signalled(unsigned round, bool mains)
{
	for (struct pipe_write *w = pending, *next; w; w = next) {
		next = w->next;
		if ((w->set == w->set->p->main) == mains && signal_for_held(w->set, round)) {
			pipe_write_interrupted(w);
			next = pending;
		}
	}
}

/* The set ends while its write pends. */
void pipe_write_cancel(struct vset *set)
{
	if (set->pw)
		pipe_write_free(set->pw);
}
