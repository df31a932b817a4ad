/* tracee.c - registers and memory of one traced task. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
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

/* regs_set for a task that must take them; a task that is gone will be seen as such. */
void regs_put(struct task *t)
{
	if (regs_set(t) < 0 && errno != ESRCH)
		die("cannot set registers of %d: %s", t->tid, strerror(errno));
}

/* The signal masks of /proc/TID/status (all 0 if it cannot be read); false if it cannot. */
bool proc_sigmasks(pid_t tid, struct sigmasks *m)
{
	static const struct { const char *key; size_t at; } keys[] = {
		{ "SigPnd:", offsetof(struct sigmasks, pending) },
		{ "ShdPnd:", offsetof(struct sigmasks, shared) },
		{ "SigBlk:", offsetof(struct sigmasks, blocked) },
		{ "SigIgn:", offsetof(struct sigmasks, ignored) },
	};
	char path[64], line[256];
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i].key, 7) == 0)
				*(uint64_t *)((char *)m + keys[i].at) = strtoull(line + 7, NULL, 16);
	fclose(f);
	return true;
}

/* Signals queued for t, private then shared: how many of each number. */
void queued_counts(const struct task *t, unsigned counts[65])
{
	static const uint32_t flags[] = { 0, PTRACE_PEEKSIGINFO_SHARED };
	siginfo_t si[QUEUE_PEEK];

	memset(counts, 0, 65 * sizeof(counts[0]));
	memset(si, 0, sizeof(si)); /* written by the kernel, which valgrind does not know */
	for (size_t q = 0; q < sizeof(flags) / sizeof(flags[0]); q++) {
		struct __ptrace_peeksiginfo_args a = { .off = 0, .flags = flags[q], .nr = QUEUE_PEEK };
		long got = ptrace(PTRACE_PEEKSIGINFO, t->tid, &a, si);

		for (long i = 0; i < got; i++)
			if (si[i].si_signo > 0 && si[i].si_signo <= 64)
				counts[si[i].si_signo]++;
	}
}

/*
 * Calls fn for each mapping of process pid, in address order, until fn
 * returns false. False if the maps cannot be read.
 */
bool maps_each(pid_t pid, bool (*fn)(const struct mapping *m, void *arg), void *arg)
{
	char path[64], line[4096 + 128];
	struct mapping m;
	bool more = true;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (more && fgets(line, sizeof(line), f)) {
		int at = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &m.lo, &m.hi, m.perms, &m.off, &at) < 4)
			continue;
		m.path = at ? strtok(line + at, "\n") ?: "" : "";
		more = fn(&m, arg);
	}
	fclose(f);
	return true;
}

/* Whether process pid runs the program file path (its /proc/PID/exe). */
bool runs_file(pid_t pid, const char *path)
{
	char link[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = 0;
	return !strcmp(exe, path);
}

/* At a syscall exit: set the variant to make the call in orig_rax again, as the kernel restarts one. */
void regs_redo(struct user_regs_struct *r)
{
	r->rax = r->orig_rax;
	r->rip -= 2; /* the syscall instruction is two bytes */
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

/* Bytes below a stack pointer the x86_64 ABI lets a function use. */
#define RED_ZONE 128

/*
 * Writes len bytes on t's stack, gap bytes below its red zone, where
 * nothing of the program's lies while t is stopped at a syscall: their
 * address (16-byte aligned), or 0 if they cannot be written.
 */
uint64_t stack_put_below(const struct task *t, const void *data, size_t len, size_t gap)
{
	uint64_t at = (t->regs.rsp - RED_ZONE - gap - len) & ~(uint64_t)15;

	return mem_write(t->tid, at, data, len) == 0 ? at : 0;
}

uint64_t stack_put(const struct task *t, const void *data, size_t len)
{
	return stack_put_below(t, data, len, 0);
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
	regs_put(t);
}

/* At a syscall entry: do not run it now; the variant executes it again. */
void task_rewind(struct task *t)
{
	long nr = (long)t->regs.orig_rax;

	t->regs.orig_rax = (unsigned long)-1;
	t->regs.rax = (unsigned long)nr;
	t->regs.rip -= 2; /* the syscall instruction is two bytes */
	regs_put(t);
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
