/* compare.c - reading arguments out of variants and comparing them by content. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "blob.h"

/* The kernel moves at most this much in one read or write. */
#define MAX_RW 0x7ffff000L
#define MAX_MTEXT (1L << 24) /* above the largest message a queue takes (msgmnb) */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void blob_append(struct blob *b, const void *p, size_t n)
{
	b->p = xrealloc(b->p, b->n + n);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Reads n bytes at addr into the blob; a short read marks it faulty. */
static void blob_read(struct blob *b, pid_t pid, uint64_t addr, size_t n)
{
	size_t old = b->n;
	ssize_t got;

	b->p = xrealloc(b->p, old + n);
	got = mem_read(pid, addr, b->p + old, n);
	b->n = old + (size_t)(got > 0 ? got : 0);
	if ((size_t)(got > 0 ? got : 0) < n)
		b->fault = true;
}

/* Reads a NUL-terminated string, page by page, without its NUL. */
static void blob_string(struct blob *b, pid_t pid, uint64_t addr)
{
	char chunk[4096];

	while (b->n < BLOB_MAX_STRING) {
		size_t room = 4096 - (addr & 4095);
		ssize_t got = mem_read(pid, addr, chunk, room);
		char *nul;

		if (got <= 0) {
			b->fault = true;
			return;
		}
		nul = memchr(chunk, 0, (size_t)got);
		blob_append(b, chunk, nul ? (size_t)(nul - chunk) : (size_t)got);
		if (nul)
			return;
		addr += (uint64_t)got;
	}
}

/* Each string of a NULL-terminated array, separated by NUL bytes. */
static void blob_strv(struct blob *b, pid_t pid, uint64_t addr)
{
	for (int i = 0; i < 65536; i++, addr += 8) {
		uint64_t p;

		if (mem_read(pid, addr, &p, 8) != 8) {
			b->fault = true;
			return;
		}
		if (!p)
			return;
		blob_string(b, pid, p);
		blob_append(b, "", 1);
	}
}

ssize_t iov_total(pid_t pid, uint64_t iov, long cnt, struct iovec **out)
{
	struct iovec *v;
	ssize_t total = 0;

	if (cnt < 0 || cnt > 1024)
		return -EINVAL;
	v = xrealloc(NULL, sizeof(*v) * (size_t)(cnt ? cnt : 1));
	if (mem_read(pid, iov, v, sizeof(*v) * (size_t)cnt) != (ssize_t)(sizeof(*v) * (size_t)cnt)) {
		free(v);
		return -EFAULT;
	}
	for (long i = 0; i < cnt; i++)
		total += (ssize_t)v[i].iov_len;
	*out = v;
	return total;
}

/* The data of an iovec array, flattened. */
static void blob_iov(struct blob *b, pid_t pid, uint64_t iov, long cnt)
{
	struct iovec *v = NULL;

	if (iov_total(pid, iov, cnt, &v) < 0) {
		b->fault = true;
		return;
	}
	for (long i = 0; i < cnt; i++)
		blob_read(b, pid, (uint64_t)(uintptr_t)v[i].iov_base, v[i].iov_len);
	free(v);
}

/* What sendmsg sends: name, data and control, one after the other. */
static void blob_msg(struct blob *b, pid_t pid, uint64_t addr)
{
	struct msghdr m;

	if (mem_read(pid, addr, &m, sizeof(m)) != sizeof(m)) {
		b->fault = true;
		return;
	}
	if (m.msg_name)
		blob_read(b, pid, (uint64_t)(uintptr_t)m.msg_name, m.msg_namelen);
	blob_iov(b, pid, (uint64_t)(uintptr_t)m.msg_iov, (long)m.msg_iovlen);
	if (m.msg_control)
		blob_read(b, pid, (uint64_t)(uintptr_t)m.msg_control, m.msg_controllen);
}

/*
 * The bytes of a socket address that mean something: a path socket's name
 * ends at its NUL, an IPv4 address before sin_zero; the rest is padding
 * that may hold anything.
 */
static void blob_sockaddr(struct blob *b, pid_t pid, uint64_t addr, long len)
{
	size_t n = (size_t)(len > 0 && len <= 4096 ? len : 0);
	sa_family_t fam;

	blob_read(b, pid, addr, n);
	if (b->n < sizeof(fam))
		return;
	memcpy(&fam, b->p, sizeof(fam));
	if (fam == AF_UNIX && b->n > 2 && b->p[2] != 0) {
		unsigned char *nul = memchr(b->p + 2, 0, b->n - 2);

		if (nul)
			b->n = (size_t)(nul - b->p);
	} else if (fam == AF_INET && b->n > 8) {
		b->n = 8;
	}
}

/*
 * struct flock as the kernel reads it: type, whence, start and length. The
 * padding and l_pid (an output only) may hold anything.
 */
static void blob_flock(struct blob *b, pid_t pid, uint64_t addr)
{
	blob_read(b, pid, addr, sizeof(struct flock));
	if (b->n == sizeof(struct flock)) {
		memset(b->p + offsetof(struct flock, l_whence) + sizeof(short), 0,
		       offsetof(struct flock, l_start) - offsetof(struct flock, l_whence) - sizeof(short));
		memset(b->p + offsetof(struct flock, l_pid), 0, sizeof(struct flock) - offsetof(struct flock, l_pid));
	}
}

/* An array of n struct pollfd as poll reads it: revents, an output only, may hold anything. */
static void blob_pollfd(struct blob *b, pid_t pid, uint64_t addr, long n)
{
	blob_read(b, pid, addr, (size_t)(n > 0 && n < 65536 ? n : 0) * sizeof(struct pollfd));
	for (size_t at = 0; at + sizeof(struct pollfd) <= b->n; at += sizeof(struct pollfd))
		memset(b->p + at + offsetof(struct pollfd, revents), 0, sizeof(short));
}

long blob_len_arg(const struct task *t, const struct arg_desc *a)
{
	return arg_get(&t->regs, a->len);
}

bool arg_has_input(const struct arg_desc *a)
{
	switch (a->kind) {
	case A_STR: case A_IN: case A_INS: case A_IOS: case A_IOA: case A_IOV_IN:
	case A_STRV: case A_MSG_IN: case A_FDSET: case A_SIGSET: case A_SADDR: case A_FLOCK: case A_POLLFD:
	case A_INA: case A_MTEXT_IN:
		return true;
	}
	return false;
}

/* Loads the input data of argument i as the variant passed it. */
int blob_load(struct blob *b, struct task *t, const struct arg_desc *a, int i)
{
	uint64_t p = (uint64_t)arg_get(&t->regs, i);
	long len = a->len >= 0 ? blob_len_arg(t, a) : 0;

	memset(b, 0, sizeof(*b));
	b->null = p == 0;
	if (b->null || !arg_has_input(a))
		return 0;
	switch (a->kind) {
	case A_STR: blob_string(b, t->tid, p); break;
	case A_STRV: blob_strv(b, t->tid, p); break;
	case A_IN:
	case A_SIGSET: blob_read(b, t->tid, p, (size_t)(len > 0 ? (len > MAX_RW ? MAX_RW : len) : 0)); break;
	case A_INS:
	case A_IOS: blob_read(b, t->tid, p, a->size); break;
	case A_SADDR: blob_sockaddr(b, t->tid, p, len); break;
	case A_FLOCK: blob_flock(b, t->tid, p); break;
	case A_POLLFD: blob_pollfd(b, t->tid, p, len); break;
	case A_IOA:
	case A_INA: blob_read(b, t->tid, p, (size_t)(len > 0 && len < 65536 ? len : 0) * a->size); break;
	case A_MTEXT_IN: blob_read(b, t->tid, p, sizeof(long) + (size_t)(len > 0 && len < MAX_MTEXT ? len : 0)); break;
	case A_IOV_IN: blob_iov(b, t->tid, p, len); break;
	case A_MSG_IN: blob_msg(b, t->tid, p); break;
	case A_FDSET: {
		long nfds = arg_get(&t->regs, 0);
		blob_read(b, t->tid, p, (size_t)((nfds > 0 && nfds <= 65536 ? nfds : 0) + 63) / 64 * 8);
		break;
	}
	}
	return 0;
}

void blob_free(struct blob *b)
{
	free(b->p);
	b->p = NULL;
}

bool scalar_arg(int kind)
{
	return kind == A_VAL || kind == A_FD || kind == A_PID || kind == A_PGID || kind == A_INT;
}

/* Argument i of variant v as the kernel reads it. */
static long scalar_of(const struct vset *set, int v, int i)
{
	long x = arg_get(&set->t[v].regs, i);

	return set->call.arg[i].kind == A_INT ? (long)(uint32_t)x : x;
}

/* Describes where two blobs first differ. */
static void blob_diff(char *why, size_t len, const struct blob *x, const struct blob *y)
{
	size_t i = 0;

	if (x->null != y->null) {
		snprintf(why, len, "NULL in one variant only");
		return;
	}
	while (i < x->n && i < y->n && x->p[i] == y->p[i])
		i++;
	if (i < x->n && i < y->n)
		snprintf(why, len, "byte %zu differs (0x%02x vs 0x%02x)", i, x->p[i], y->p[i]);
	else if (x->n != y->n)
		snprintf(why, len, "lengths differ (%zu vs %zu)", x->n, y->n);
	else
		snprintf(why, len, "one variant's memory is unreadable");
}

/* Two variants' data for one argument are the same. */
bool blob_same(const struct blob *x, const struct blob *y)
{
	return x->null == y->null && x->n == y->n && x->fault == y->fault && (!x->n || memcmp(x->p, y->p, x->n) == 0);
}

/*
 * The leader's data of the argument compared last, kept until the next
 * comparison: a call the monitor makes for the set (a write) takes the
 * very bytes that were compared, without reading them again.
 */
static struct {
	const struct vset *set;
	uint64_t call; /* the set's syscall count then */
	int i;
	struct blob b;
} kept;

static void keep_lead(const struct vset *set, int i, struct blob *b)
{
	blob_free(&kept.b);
	kept.set = set;
	kept.call = set->syscalls;
	kept.i = i;
	kept.b = *b;
}

/* The leader's data of argument i of the set's current call, as compared; NULL if not kept. */
const struct blob *compared_data(const struct vset *set, int i)
{
	if (kept.set != set || kept.call != set->syscalls || kept.i != i || !kept.b.p)
		return NULL;
	return &kept.b;
}

/* Compares argument i of every variant with the leader's; 0 when equal. */
int compare_arg(struct vset *set, int i, char *why, size_t whylen)
{
	const struct arg_desc *a = &set->call.arg[i];
	struct blob lead, other;
	int differ = 0;

	if (scalar_arg(a->kind)) {
		for (int v = 1; v < set->n; v++)
			if (scalar_of(set, v, i) != scalar_of(set, 0, i)) {
				snprintf(why, whylen, "argument %d differs (%ld vs %ld)", i + 1, scalar_of(set, 0, i),
					 scalar_of(set, v, i));
				return v;
			}
		return 0;
	}
	if (a->kind == A_PTR || a->kind == A_NONE)
		return 0;
	blob_load(&lead, &set->t[0], a, i);
	for (int v = 1; v < set->n && !differ; v++) {
		blob_load(&other, &set->t[v], a, i);
		if (!blob_same(&lead, &other)) {
			char d[96];

			blob_diff(d, sizeof(d), &lead, &other);
			snprintf(why, whylen, "argument %d differs: %s", i + 1, d);
			differ = v;
		}
		blob_free(&other);
	}
	keep_lead(set, i, &lead);
	return differ;
}

/* Compares a whole call; returns the first differing variant, or 0. */
int compare_call(struct vset *set, char *why, size_t whylen)
{
	for (int i = 0; i < set->call.nargs; i++) {
		int v = compare_arg(set, i, why, whylen);

		if (v)
			return v;
	}
	return 0;
}
