/* filter.c - the seccomp filter every variant runs under, made from the syscall table. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "chorus.h"

static struct sock_fprog prog;

/*
 * Every syscall stops in the monitor (SECCOMP_RET_TRACE), except the table's
 * refused ones, which fail in the kernel with their errno and cost no stop.
 * Another architecture's syscalls (int 0x80, x32) kill the process: a
 * variant cannot reach the kernel by a door the monitor does not watch.
 * The program is built once, in the monitor; each variant only loads it.
 */
int filter_build(void)
{
	scmp_filter_ctx ctx;
	int rc = -ENOMEM, fd = -1;
	off_t len;

	/* Only the filter's code is wanted here: no probing of the kernel. */
	seccomp_api_set(3);
	ctx = seccomp_init(SCMP_ACT_TRACE(0));
	if (!ctx)
		return rc;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (int i = 0; rc == 0 && i < sc_count(); i++) {
		const struct sc_desc *d = sc_at(i);

		if (d->policy == RUN_DENY)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)d->err), d->nr, 0);
	}
	if (rc == 0 && (fd = memfd_create("chorus-filter", MFD_CLOEXEC)) < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	if (rc == 0 && (len = lseek(fd, 0, SEEK_END)) > 0 && (prog.filter = malloc((size_t)len)) &&
	    pread(fd, prog.filter, (size_t)len, 0) == len)
		prog.len = (unsigned short)((size_t)len / sizeof(struct sock_filter));
	else if (rc == 0)
		rc = -EIO;
	if (fd >= 0)
		close(fd);
	return rc;
}

/* In a new variant, just before its exec. */
int filter_install(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}
