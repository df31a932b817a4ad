/* tracee.c - registers and memory of one traced task. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "chorus.h"

int regs_get(struct task *t)
{
	return ptrace(PTRACE_GETREGS, t->tid, 0, &t->regs) == 0 ? 0 : -errno;
}

int regs_set(struct task *t)
{
	return ptrace(PTRACE_SETREGS, t->tid, 0, &t->regs) == 0 ? 0 : -errno;
}

/* Reads as much of [addr, addr+len) as is mapped; returns the bytes read. */
ssize_t mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		struct iovec local = { (char *)buf + done, len - done };
		struct iovec remote = { (void *)(uintptr_t)(addr + done), len - done };
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Writes through /proc/PID/mem, which also reaches read-only pages. */
static int mem_write_slow(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = pwrite(fd, buf, len, (off_t)addr) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -EFAULT;
}

int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	if (len == 0)
		return 0;
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	return mem_write_slow(pid, addr, buf, len);
}

long arg_get(const struct user_regs_struct *r, int i)
{
	switch (i) {
	case 0: return (long)r->rdi;
	case 1: return (long)r->rsi;
	case 2: return (long)r->rdx;
	case 3: return (long)r->r10;
	case 4: return (long)r->r8;
	case 5: return (long)r->r9;
	}
	return 0;
}

void arg_set(struct user_regs_struct *r, int i, long v)
{
	switch (i) {
	case 0: r->rdi = (unsigned long)v; break;
	case 1: r->rsi = (unsigned long)v; break;
	case 2: r->rdx = (unsigned long)v; break;
	case 3: r->r10 = (unsigned long)v; break;
	case 4: r->r8 = (unsigned long)v; break;
	case 5: r->r9 = (unsigned long)v; break;
	}
}

/* At a syscall entry: do not run it, make it return `ret`. */
void task_skip(struct task *t, long ret)
{
	t->regs.orig_rax = (unsigned long)-1;
	t->regs.rax = (unsigned long)ret;
	if (regs_set(t) < 0 && errno != ESRCH)
		die("cannot set registers of %d", t->tid);
}

/* At a syscall entry: do not run it now; the variant executes it again. */
void task_rewind(struct task *t)
{
	long nr = (long)t->regs.orig_rax;

	t->regs.orig_rax = (unsigned long)-1;
	t->regs.rax = (unsigned long)nr;
	t->regs.rip -= 2; /* the syscall instruction is two bytes */
	if (regs_set(t) < 0 && errno != ESRCH)
		die("cannot set registers of %d", t->tid);
	t->regs.orig_rax = (unsigned long)nr;
}

/*
 * At the exec event: turn AT_SYSINFO_EHDR into AT_IGNORE in the new
 * program's auxiliary vector, so its libc finds no vDSO and makes real
 * (monitored, replicated) syscalls for the time.
 */
int hide_vdso(struct task *t)
{
	uint64_t sp = t->regs.rsp, word, argc;
	uint64_t pair[2];
	int nulls = 0;

	if (mem_read(t->tid, sp, &argc, 8) != 8)
		return -EFAULT;
	sp += 8 * (argc + 2); /* argc, argv[], NULL */
	while (nulls < 1) {   /* skip envp[] up to its NULL */
		if (mem_read(t->tid, sp, &word, 8) != 8)
			return -EFAULT;
		sp += 8;
		if (word == 0)
			nulls++;
	}
	for (int i = 0; i < 64; i++, sp += 16) {
		if (mem_read(t->tid, sp, pair, 16) != 16)
			return -EFAULT;
		if (pair[0] == AT_NULL)
			return 0;
		if (pair[0] == AT_SYSINFO_EHDR) {
			pair[0] = AT_IGNORE;
			return mem_write(t->tid, sp, pair, 8);
		}
	}
	return 0;
}
