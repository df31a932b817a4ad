/* replicate.c - copying what a call wrote in the leader into the other variants. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "blob.h"

#define CHUNK (1u << 16)

/* Copies n bytes from one variant's memory to another's, in chunks. */
static int copy_mem(pid_t from, uint64_t src, pid_t to, uint64_t dst, size_t n)
{
	static unsigned char buf[CHUNK];

	while (n > 0) {
		size_t k = n < CHUNK ? n : CHUNK;

		if (mem_read(from, src, buf, k) != (ssize_t)k)
			return -EFAULT;
		if (mem_write(to, dst, buf, k) < 0)
			return -EFAULT;
		src += k;
		dst += k;
		n -= k;
	}
	return 0;
}

/* Scatters the first n bytes gathered from one iovec array into another. */
static int copy_iov(pid_t from, uint64_t fiov, pid_t to, uint64_t tiov, long cnt, size_t n)
{
	struct iovec *fv = NULL, *tv = NULL;
	size_t fi = 0, ti = 0, foff = 0, toff = 0;
	int rc = 0;

	if (iov_total(from, fiov, cnt, &fv) < 0 || iov_total(to, tiov, cnt, &tv) < 0)
		rc = -EFAULT;
	while (rc == 0 && n > 0 && fi < (size_t)cnt && ti < (size_t)cnt) {
		size_t k = n;

		if (fv[fi].iov_len - foff < k)
			k = fv[fi].iov_len - foff;
		if (tv[ti].iov_len - toff < k)
			k = tv[ti].iov_len - toff;
		if (k)
			rc = copy_mem(from, (uint64_t)(uintptr_t)fv[fi].iov_base + foff, to,
				      (uint64_t)(uintptr_t)tv[ti].iov_base + toff, k);
		n -= k;
		foff += k;
		toff += k;
		if (foff == fv[fi].iov_len) {
			fi++;
			foff = 0;
		}
		if (toff == tv[ti].iov_len) {
			ti++;
			toff = 0;
		}
	}
	free(fv);
	free(tv);
	return rc;
}

/* recvmsg: the name, the data, the control data and the updated lengths. */
static int copy_msg(pid_t from, uint64_t fm, pid_t to, uint64_t tm, size_t n)
{
	struct msghdr a, b;

	if (mem_read(from, fm, &a, sizeof(a)) != sizeof(a) || mem_read(to, tm, &b, sizeof(b)) != sizeof(b))
		return -EFAULT;
	if (a.msg_name && b.msg_name && copy_mem(from, (uint64_t)(uintptr_t)a.msg_name, to,
						 (uint64_t)(uintptr_t)b.msg_name, a.msg_namelen) < 0)
		return -EFAULT;
	if (copy_iov(from, (uint64_t)(uintptr_t)a.msg_iov, to, (uint64_t)(uintptr_t)b.msg_iov,
		     (long)a.msg_iovlen, n) < 0)
		return -EFAULT;
	if (a.msg_control && b.msg_control && a.msg_controllen &&
	    copy_mem(from, (uint64_t)(uintptr_t)a.msg_control, to, (uint64_t)(uintptr_t)b.msg_control,
		     a.msg_controllen) < 0)
		return -EFAULT;
	b.msg_namelen = a.msg_namelen;
	b.msg_controllen = a.msg_controllen;
	b.msg_flags = a.msg_flags;
	return mem_write(to, tm, &b, sizeof(b));
}

/* How many bytes argument i received, given the call's result. */
static size_t out_bytes(const struct task *t, const struct arg_desc *a, long ret)
{
	long len = a->len >= 0 ? arg_get(&t->regs, a->len) : 0;
	uint32_t sl = 0;

	switch (a->kind) {
	case A_OUT: return (size_t)(ret < len ? ret : len); /* e.g. getxattr(size 0) */
	case A_OUTS:
	case A_IOS: return a->size;
	case A_FLOCK: return sizeof(struct flock);
	case A_IOA: case A_POLLFD: return (size_t)(len > 0 ? len : 0) * a->size;
	case A_OUTA: return (size_t)ret * a->size;
	case A_MTEXT_OUT: return sizeof(long) + (size_t)ret;
	case A_FDSET: return (size_t)((arg_get(&t->regs, 0) + 63) / 64 * 8);
	case A_OUTL:
		if (mem_read(t->tid, (uint64_t)len, &sl, sizeof(sl)) != sizeof(sl))
			return 0;
		return sl;
	}
	return 0;
}

/* Copies every output of the call from one variant into another. */
int replicate_outputs(struct vset *set, struct task *from, struct task *to, long ret)
{
	if (ret < 0)
		return 0;
	for (int i = 0; i < set->call.nargs; i++) {
		const struct arg_desc *a = &set->call.arg[i];
		uint64_t src = (uint64_t)arg_get(&from->regs, i), dst = (uint64_t)arg_get(&to->regs, i);
		int rc = 0;

		if (!src || !dst)
			continue;
		if (a->kind == A_IOV_OUT)
			rc = copy_iov(from->tid, src, to->tid, dst, arg_get(&from->regs, a->len), (size_t)ret);
		else if (a->kind == A_MSG_OUT)
			rc = copy_msg(from->tid, src, to->tid, dst, (size_t)ret);
		else if (a->kind == A_OUTL) {
			size_t cap = 0, n = out_bytes(from, a, ret);

			mem_read(to->tid, (uint64_t)arg_get(&to->regs, a->len), &cap, sizeof(uint32_t));
			rc = copy_mem(from->tid, src, to->tid, dst, n < cap ? n : cap);
		} else
			rc = copy_mem(from->tid, src, to->tid, dst, out_bytes(from, a, ret));
		if (rc < 0)
			return rc;
	}
	return 0;
}
