/*
 * test_unit.c - unit tests of the syscall table, argument comparison,
 * output replication, string quoting and descriptor bookkeeping.
 *
 * No ptrace and no child process: every "variant" task is this process
 * itself (its tid is our own pid), so the monitor's process_vm_readv and
 * process_vm_writev reach buffers of this program. A task's registers
 * describe a syscall whose pointer arguments point at local buffers.
 *
 * Prints one line per check group and ends with "N passed, N failed".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "blob.h"
#include "chorus.h"

/* ------------------------------------------------------------------ */
/* What main.c provides to the rest of the monitor.                     */

struct options opt = { .n = 2, .divergence_status = EXIT_DIVERGENCE_DEFAULT };

static int npass, nfail;	  /* every check */
static int gpass, gfail;	  /* checks of the current group */
static const char *gname = "setup";

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("  FAIL %s: internal error: ", gname);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	printf("%d passed, %d failed\n", npass, nfail + 1);
	fflush(stdout);
	abort();
}

/* ------------------------------------------------------------------ */
/* Checks and groups.                                                   */

static void group(const char *name)
{
	gname = name;
	gpass = gfail = 0;
}

static void group_end(void)
{
	if (gfail)
		printf("FAIL %-28s %d of %d checks failed\n", gname, gfail, gpass + gfail);
	else
		printf("ok   %-28s %d checks\n", gname, gpass);
	fflush(stdout);
}

__attribute__((format(printf, 3, 4)))
static bool check_at(int line, bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		gpass++;
		npass++;
		return true;
	}
	gfail++;
	nfail++;
	printf("  FAIL %s (line %d): ", gname, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return false;
}

#define CHECK(cond, ...) check_at(__LINE__, (cond), __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Variant sets made of this process.                                   */

static struct vset set;
static char why[512];

static unsigned long long *reg(struct user_regs_struct *r, int i)
{
	switch (i) {
	case 0: return &r->rdi;
	case 1: return &r->rsi;
	case 2: return &r->rdx;
	case 3: return &r->r10;
	case 4: return &r->r8;
	case 5: return &r->r9;
	}
	die("no argument register %d", i);
}

/* Variant v's argument i. */
static void arg(int v, int i, long val)
{
	*reg(&set.t[v].regs, i) = (unsigned long long)val;
}

static void argp(int v, int i, const void *p)
{
	arg(v, i, (long)(uintptr_t)p);
}

/* The same argument in every variant. */
static void arg_all(int i, long val)
{
	for (int v = 0; v < set.n; v++)
		arg(v, i, val);
}

/* A set of n tasks, all this process, stopped at the entry of `name`. */
static const struct sc_desc *setup(const char *name, int n)
{
	const struct sc_desc *d = sc_by_name(name);

	if (!d)
		die("no table row for %s", name);
	memset(&set, 0, sizeof(set));
	set.n = n;
	set.vpid = getpid();
	set.call.nr = d->nr;
	set.call.d = d;
	set.call.policy = d->policy;
	set.call.nargs = d->nargs;
	memcpy(set.call.arg, d->arg, sizeof(set.call.arg));
	for (int v = 0; v < n; v++) {
		set.t[v].tid = getpid();
		set.t[v].idx = v;
		set.t[v].state = T_ENTRY;
		set.t[v].regs.orig_rax = (unsigned long long)d->nr;
	}
	return d;
}

static int cmp_call(void)
{
	why[0] = 0;
	return compare_call(&set, why, sizeof(why));
}

static int cmp_arg(int i)
{
	why[0] = 0;
	return compare_arg(&set, i, why, sizeof(why));
}

static bool has(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* A heap copy, so that equal data lies at different addresses. */
static char *dup_str(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

/* ------------------------------------------------------------------ */
/* The syscall table.                                                    */

static bool uses_len(int kind)
{
	switch (kind) {
	case A_IN: case A_OUT: case A_IOA: case A_IOV_IN: case A_IOV_OUT:
	case A_OUTL: case A_SIGSET: case A_SADDR: case A_POLLFD: case A_INA: case A_MTEXT_IN: case A_MTEXT_OUT:
		return true;
	}
	return false;
}

static bool uses_size(int kind)
{
	switch (kind) {
	case A_INS: case A_OUTS: case A_IOS: case A_IOA: case A_OUTA: case A_POLLFD: case A_INA:
		return true;
	}
	return false;
}

/* The rows whose time-out is shortened when made again after a signal (timeout.c). */
static void test_timeouts(void)
{
	static const char *const want[] = { "nanosleep", "clock_nanosleep", "poll", "epoll_wait", "epoll_pwait",
					    "rt_sigtimedwait", "semtimedop" };
	int found = 0;

	group("table: time-outs");
	for (int i = 0; i < sc_count(); i++) {
		const struct sc_desc *d = sc_at(i);
		int marked = 0;
		bool wanted = false;

		for (int a = 0; a < d->nargs; a++) {
			const struct arg_desc *x = &d->arg[a];

			if (!x->timeout)
				continue;
			marked++;
			CHECK((x->kind == A_INS && x->size == sizeof(struct timespec)) || x->kind == A_INT,
			      "%s: argument %d is a time-out neither a timespec nor an int", d->name, a + 1);
		}
		for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
			wanted |= strcmp(d->name, want[k]) == 0;
		CHECK(marked == (wanted ? 1 : 0), "%s: %d time-out arguments, want %d", d->name, marked, wanted ? 1 : 0);
		CHECK(!marked || d->policy == RUN_ONCE, "%s: a time-out on a call the leader does not make alone",
		      d->name);
		found += marked;
	}
	CHECK(found == (int)(sizeof(want) / sizeof(want[0])), "%d time-outs marked", found);
	group_end();
}

static void test_table(void)
{
	static const struct sc_desc *seen[MAX_SYSCALL];
	int n = sc_count();

	group("table: rows");
	CHECK(n > 100, "the table has %d rows, expected well over 100", n);
	for (int i = 0; i < n; i++) {
		const struct sc_desc *d = sc_at(i);
		const char *name = d->name ? d->name : "(null)";
		int snr;

		CHECK(d->name && *d->name, "row %d has no name", i);
		if (!CHECK(d->nr >= 0 && d->nr < MAX_SYSCALL, "%s: number %d out of range", name, d->nr))
			continue;
		CHECK(!seen[d->nr], "%s: number %d already used by %s", name, d->nr,
			   seen[d->nr] ? seen[d->nr]->name : "");
		seen[d->nr] = d;
		CHECK(sc_lookup(d->nr) == d, "%s: sc_lookup(%d) does not return its row", name, d->nr);
		CHECK(d->name && sc_by_name(d->name) == d, "%s: sc_by_name does not return its row (duplicate name?)",
			   name);
		snr = d->name ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, d->name) : -1;
		CHECK(snr == d->nr, "%s: row number %d, but x86_64 numbers it %d", name, d->nr, snr);
	}
	CHECK(sc_lookup(-1) == NULL, "sc_lookup(-1) is not NULL");
	CHECK(sc_lookup(MAX_SYSCALL) == NULL, "sc_lookup(MAX_SYSCALL) is not NULL");
	CHECK(sc_lookup(1L << 40) == NULL, "sc_lookup(1 << 40) is not NULL");
	CHECK(sc_lookup(__NR_kexec_load) == NULL, "kexec_load has a row: it must fail closed");
	CHECK(sc_by_name("no_such_syscall") == NULL, "sc_by_name(no_such_syscall) is not NULL");
	CHECK(sc_by_name("") == NULL, "sc_by_name(\"\") is not NULL");
	group_end();
	test_timeouts();

	group("table: policies");
	for (int i = 0; i < n; i++) {
		const struct sc_desc *d = sc_at(i);

		CHECK(d->policy > RUN_NONE && d->policy <= RUN_LAST, "%s: invalid policy %d", d->name, d->policy);
		if (d->policy == RUN_DENY) {
			CHECK(d->err > 0 && d->err < 4096, "%s: DENY without an errno (%d)", d->name, d->err);
			CHECK(d->nargs == 0 && !d->pre && !d->post, "%s: DENY row with arguments or handlers", d->name);
		} else {
			CHECK(d->err == 0, "%s: errno %d set on a row that is not DENY", d->name, d->err);
		}
	}
	group_end();

	group("table: arguments");
	for (int i = 0; i < n; i++) {
		const struct sc_desc *d = sc_at(i);

		if (!CHECK(d->nargs >= 0 && d->nargs <= 6, "%s: %d arguments", d->name, d->nargs))
			continue;
		for (int k = 0; k < 6; k++) {
			const struct arg_desc *a = &d->arg[k];

			if (k >= d->nargs) {
				CHECK(a->kind == A_NONE, "%s: argument %d beyond nargs has kind %d", d->name, k + 1,
					   a->kind);
				continue;
			}
			if (!CHECK(a->kind > A_NONE && a->kind <= A_KIND_LAST, "%s: argument %d has invalid kind %d", d->name,
				   k + 1, a->kind))
				continue;
			if (uses_size(a->kind))
				CHECK(a->size > 0, "%s: argument %d has no size", d->name, k + 1);
			if (a->kind == A_FDSET)
				CHECK(d->arg[0].kind == A_VAL, "%s: fd_set argument %d but argument 1 (nfds) is not a value",
				      d->name, k + 1);
			if (!uses_len(a->kind))
				continue;
			if (!CHECK(a->len >= 0 && a->len < d->nargs && a->len != k,
				   "%s: argument %d takes its length from argument index %d, which does not exist",
				   d->name, k + 1, a->len))
				continue;
			if (a->kind == A_OUTL) {
				const struct arg_desc *l = &d->arg[a->len];

				CHECK(l->kind == A_IOS && l->size == sizeof(uint32_t),
				      "%s: argument %d's capacity argument %d is not a socklen_t in and out", d->name, k + 1,
				      a->len + 1);
			} else {
				CHECK(d->arg[a->len].kind == A_VAL, "%s: argument %d's length argument %d is not a value",
				      d->name, k + 1, a->len + 1);
			}
		}
	}
	group_end();

	group("table: known rows");
	{
		const struct sc_desc *d;

		d = sc_by_name("write");
		CHECK(d && d->policy == RUN_ONCE, "write is not ONCE");
		CHECK(d && d->nr == __NR_write && d->nargs == 3 && d->arg[0].kind == A_FD && d->arg[1].kind == A_IN &&
			      d->arg[1].len == 2 && d->arg[2].kind == A_VAL,
		      "write is not (FD, IN(2), V)");
		d = sc_by_name("read");
		CHECK(d && d->policy == RUN_ONCE && d->arg[1].kind == A_OUT && d->arg[1].len == 2, "read is not ONCE with OUT(2)");
		d = sc_by_name("mmap");
		CHECK(d && d->pre != NULL, "mmap has no pre handler");
		CHECK(d && d->arg[0].kind == A_PTR && d->arg[4].kind == A_FD, "mmap's address is not PTR or its fd not FD");
		d = sc_by_name("ptrace");
		CHECK(d && d->policy == RUN_DENY && d->err == EPERM, "ptrace is not DENY with EPERM");
		d = sc_by_name("process_vm_writev");
		CHECK(d && d->policy == RUN_DENY && d->err == EPERM, "process_vm_writev is not DENY with EPERM");
		d = sc_by_name("seccomp");
		CHECK(d && d->policy == RUN_DENY, "seccomp is not DENY");
		d = sc_by_name("getpid");
		CHECK(d && d->policy == RUN_EMU && d->pre, "getpid is not EMU with a handler");
		d = sc_by_name("exit_group");
		CHECK(d && d->policy == RUN_EXIT, "exit_group is not EXIT");
		d = sc_by_name("execve");
		CHECK(d && d->policy == RUN_EXEC && d->arg[0].kind == A_STR && d->arg[1].kind == A_STRV &&
			      d->arg[2].kind == A_STRV,
		      "execve is not EXEC with (STR, STRV, STRV)");
		d = sc_by_name("rt_sigreturn");
		CHECK(d && d->policy == RUN_SIGRET, "rt_sigreturn is not SIGRET");
		d = sc_by_name("openat");
		CHECK(d && d->policy == RUN_FD && d->pre && d->post && d->arg[1].kind == A_STR,
		      "openat is not FD with handlers and a STR path");
		d = sc_by_name("close");
		CHECK(d && d->policy == RUN_ALL && d->pre, "close is not ALL with a pre handler");
		d = sc_by_name("connect");
		CHECK(d && d->arg[1].kind == A_SADDR && d->arg[1].len == 2, "connect's address is not SADDR(2)");
		d = sc_by_name("writev");
		CHECK(d && d->arg[1].kind == A_IOV_IN && d->arg[1].len == 2, "writev's vector is not IOVI(2)");
		d = sc_by_name("rt_sigprocmask");
		CHECK(d && d->arg[1].kind == A_SIGSET && d->arg[1].len == 3, "rt_sigprocmask's set is not SIGSET(3)");
	}
	group_end();
}

/* The argument registers are rdi, rsi, rdx, r10, r8, r9. */
static void test_regs(void)
{
	struct user_regs_struct r;

	group("registers: arg_get/arg_set");
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 6; i++)
		*reg(&r, i) = 0x1000u + (unsigned)i;
	for (int i = 0; i < 6; i++)
		CHECK(arg_get(&r, i) == 0x1000 + i, "arg_get(%d) = %#lx", i, arg_get(&r, i));
	CHECK(arg_get(&r, 6) == 0 && arg_get(&r, -1) == 0, "arg_get of a seventh argument is not 0");
	for (int i = 0; i < 6; i++)
		arg_set(&r, i, -2 - i);
	for (int i = 0; i < 6; i++)
		CHECK((long)*reg(&r, i) == -2 - i, "arg_set(%d) wrote the wrong register", i);
	group_end();
}

/* ------------------------------------------------------------------ */
/* compare_call / compare_arg                                            */

static void test_compare_strings(void)
{
	char *a = dup_str("/tmp/chorus-x"), *b = dup_str("/tmp/chorus-x"), *c = dup_str("/tmp/chorus-y");
	long page = sysconf(_SC_PAGESIZE);
	char *m;
	int v;

	group("compare: strings");
	setup("unlink", 2);
	argp(0, 0, a);
	argp(1, 0, b);
	v = cmp_call();
	CHECK(v == 0, "equal strings at different addresses differ: %s", why);

	argp(1, 0, c);
	v = cmp_call();
	CHECK(v == 1, "different strings: compare_call returned %d, expected 1", v);
	CHECK(has(why, "argument 1") && has(why, "byte 12"), "reason does not name argument 1 and byte 12: \"%s\"", why);

	/* Only the bytes before the NUL count; a prefix is not equal. */
	{
		char *s1 = dup_str("/tmp/x"), *s2 = malloc(16), *s3 = dup_str("/tmp/x2");

		if (!s2)
			die("out of memory");
		memcpy(s2, "/tmp/x\0garbage", 15);
		argp(0, 0, s1);
		argp(1, 0, s2);
		CHECK(cmp_call() == 0, "bytes after the NUL were compared: %s", why);
		argp(1, 0, s3);
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 1"), "\"/tmp/x\" vs \"/tmp/x2\": %d, \"%s\"", v, why);
		free(s1);
		free(s2);
		free(s3);
	}

	/* Three variants: the third one's second path differs. */
	setup("rename", 3);
	argp(0, 0, a);
	argp(1, 0, b);
	argp(2, 0, a);
	argp(0, 1, b);
	argp(1, 1, a);
	argp(2, 1, c);
	v = cmp_call();
	CHECK(v == 2, "third variant's second path differs: compare_call returned %d", v);
	CHECK(has(why, "argument 2"), "reason does not name argument 2: \"%s\"", why);

	/* NULL in both is equal, NULL in one differs. */
	setup("unlink", 2);
	CHECK(cmp_call() == 0, "NULL in both variants differs: %s", why);
	argp(1, 0, a);
	v = cmp_call();
	CHECK(v == 1 && has(why, "NULL"), "NULL vs a string: %d, \"%s\"", v, why);

	/* Strings across a page boundary and up to unreadable memory. */
	m = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (mprotect(m + 2 * page, (size_t)page, PROT_NONE) < 0)
		die("mprotect: %s", strerror(errno));
	{
		char *cross = m + page - 5, *edge = m + 2 * page - 3;
		char *want = dup_str("/tmp/crossing-a-page");

		strcpy(cross, want);
		argp(0, 0, cross);
		argp(1, 0, want);
		CHECK(cmp_call() == 0, "a string across a page boundary differs: %s", why);

		/* A NUL in the last byte before the unreadable page. */
		memcpy(edge, "ab", 3);
		strcpy(want, "ab");
		argp(0, 0, edge);
		argp(1, 0, want);
		CHECK(cmp_call() == 0, "a string ending at the last readable byte differs: %s", why);

		/* No NUL before the unreadable page: not the same as a terminated string. */
		memcpy(edge, "abc", 3);
		strcpy(want, "abc");
		v = cmp_call();
		CHECK(v == 1, "an unterminated string running into unreadable memory equals a terminated one");
		CHECK(v != 1 || has(why, "unreadable"), "reason does not say unreadable: \"%s\"", why);
		free(want);
	}
	munmap(m, (size_t)page * 3);
	free(a);
	free(b);
	free(c);
	group_end();
}

static void test_compare_buffers(void)
{
	char *x = dup_str("hello, world"), *y = dup_str("hello, world"), *z = dup_str("hello, wOrld");
	int v;

	group("compare: buffers (IN)");
	setup("write", 2);
	arg_all(0, 1);
	arg_all(2, 12);
	argp(0, 1, x);
	argp(1, 1, y);
	CHECK(cmp_call() == 0, "equal buffers at different addresses differ: %s", why);

	argp(1, 1, z);
	v = cmp_call();
	CHECK(v == 1, "different buffers: compare_call returned %d", v);
	CHECK(has(why, "argument 2") && has(why, "byte 8"), "reason does not name argument 2 and byte 8: \"%s\"", why);

	/* Bytes beyond the length argument are not compared. */
	arg_all(2, 8);
	CHECK(cmp_call() == 0, "bytes beyond the length differ: %s", why);

	/* Different lengths. */
	argp(1, 1, y);
	arg(0, 2, 5);
	arg(1, 2, 12);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2"), "different lengths: %d, \"%s\"", v, why);
	v = cmp_arg(2);
	CHECK(v == 1 && has(why, "argument 3") && has(why, "5") && has(why, "12"),
	      "length argument: compare_arg(2) = %d, \"%s\"", v, why);

	/* NULL vs non-NULL, length 0 in both. */
	arg_all(2, 0);
	arg(0, 1, 0);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2") && has(why, "NULL"), "NULL vs a buffer: %d, \"%s\"", v, why);
	arg(1, 1, 0);
	CHECK(cmp_call() == 0, "NULL in both differs: %s", why);

	/* Scalars. */
	argp(0, 1, x);
	argp(1, 1, y);
	arg_all(2, 12);
	arg(1, 0, 2);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 1") && has(why, "1 vs 2"), "different fds: %d, \"%s\"", v, why);

	/* Three variants, the second one differs. */
	setup("write", 3);
	arg_all(0, 1);
	arg_all(2, 12);
	argp(0, 1, x);
	argp(1, 1, z);
	argp(2, 1, y);
	v = cmp_call();
	CHECK(v == 1, "second of three variants differs: compare_call returned %d", v);
	argp(1, 1, y);
	argp(2, 1, x);
	CHECK(cmp_call() == 0, "three equal variants differ: %s", why);

	/* Output buffers are not compared. */
	setup("read", 2);
	arg_all(0, 0);
	arg_all(2, 12);
	argp(0, 1, x);
	argp(1, 1, z);
	CHECK(cmp_call() == 0, "read's output buffer was compared: %s", why);

	/* Structs (INS), sizes (SIGSET) and in-out structs (IOS). */
	{
		struct timespec ta[2] = { { 1, 2 }, { 3, 4 } }, tb[2] = { { 1, 2 }, { 3, 4 } };
		sigset_t sa, sb;
		int64_t oa = 100, ob = 100;

		setup("utimensat", 2);
		arg_all(0, AT_FDCWD);
		argp(0, 1, x);
		argp(1, 1, y);
		argp(0, 2, ta);
		argp(1, 2, tb);
		CHECK(cmp_call() == 0, "equal timespec pairs differ: %s", why);
		tb[1].tv_nsec = 5;
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 3"), "different timespec pairs: %d, \"%s\"", v, why);

		setup("rt_sigprocmask", 2);
		arg_all(0, SIG_BLOCK);
		arg_all(3, 8);
		sigemptyset(&sa);
		sigemptyset(&sb);
		sigaddset(&sa, SIGUSR1);
		sigaddset(&sb, SIGUSR1);
		argp(0, 1, &sa);
		argp(1, 1, &sb);
		memset((char *)&sb + 8, 0x55, sizeof(sb) - 8);
		CHECK(cmp_call() == 0, "sigset bytes beyond the size argument were compared: %s", why);
		sigaddset(&sb, SIGUSR2);
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 2"), "different sigsets: %d, \"%s\"", v, why);

		setup("sendfile", 2);
		arg_all(0, 1);
		arg_all(1, 0);
		arg_all(3, 10);
		argp(0, 2, &oa);
		argp(1, 2, &ob);
		CHECK(cmp_call() == 0, "equal offsets differ: %s", why);
		ob = 101;
		CHECK(cmp_call() == 1, "different offsets (IOS) compare equal");
	}

	/* setgroups(size, list): size counts gid_t, the whole list is input. */
	{
		gid_t ga[3] = { 10, 20, 30 }, gb[3] = { 10, 20, 40 };

		setup("setgroups", 2);
		arg_all(0, 3);
		argp(0, 1, ga);
		argp(1, 1, gb);
		v = cmp_call();
		CHECK(v == 1, "setgroups(3, list): lists differing in their third gid compare equal: the row reads "
			      "IN(0), taking the gid count for a byte count, so only 3 of the 12 bytes are compared");
	}
	free(x);
	free(y);
	free(z);
	group_end();
}

static void test_compare_iov(void)
{
	char h1[] = "hel", h2[] = "lo", w1[] = "hello", w2[] = "", p1[] = "h", p2[] = "el", p3[] = "lo", bad[] = "lp";
	struct iovec a[2] = { { h1, 3 }, { h2, 2 } };
	struct iovec b[2] = { { w1, 5 }, { w2, 0 } };
	struct iovec c[3] = { { p1, 1 }, { p2, 2 }, { p3, 2 } };
	struct iovec d[2] = { { h1, 3 }, { bad, 2 } };
	int v;

	group("compare: iovec arrays");
	setup("writev", 2);
	arg_all(0, 1);
	arg_all(2, 2);
	argp(0, 1, a);
	argp(1, 1, a);
	CHECK(cmp_call() == 0, "the same iovec array differs: %s", why);

	/* Compared by the data they gather, not by how it is cut. */
	argp(1, 1, b);
	CHECK(cmp_arg(1) == 0, "same data cut differently differs: %s", why);
	CHECK(cmp_call() == 0, "same data cut differently, same count, differs: %s", why);

	/* A different count with the same data: the vector is equal, the count is not. */
	argp(1, 1, c);
	arg(1, 2, 3);
	CHECK(cmp_arg(1) == 0, "same data in three segments differs: %s", why);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 3"), "different counts: %d, \"%s\"", v, why);

	/* Different data. */
	arg(1, 2, 2);
	argp(1, 1, d);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2") && has(why, "byte 4"), "different gathered data: %d, \"%s\"", v, why);

	/* An unreadable segment in one variant only. */
	d[1].iov_base = (void *)8;
	v = cmp_call();
	CHECK(v == 1, "an unreadable segment compares equal");

	/* sendmsg: name, data and control; the flags are not sent. */
	{
		struct msghdr ma, mb;
		struct iovec one[1] = { { w1, 5 } };

		memset(&ma, 0, sizeof(ma));
		memset(&mb, 0, sizeof(mb));
		ma.msg_iov = a;
		ma.msg_iovlen = 2;
		mb.msg_iov = one;
		mb.msg_iovlen = 1;
		mb.msg_flags = 0x40;
		setup("sendmsg", 2);
		arg_all(0, 3);
		argp(0, 1, &ma);
		argp(1, 1, &mb);
		CHECK(cmp_call() == 0, "sendmsg of the same data cut differently differs: %s", why);
		mb.msg_iov = d;
		mb.msg_iovlen = 2;
		d[1].iov_base = bad;
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 2"), "sendmsg of different data: %d, \"%s\"", v, why);
	}
	group_end();
}

static void test_compare_strv(void)
{
	char *ab = dup_str("ab"), *c = dup_str("c"), *a = dup_str("a"), *bc = dup_str("bc"), *e = dup_str("");
	char *ab2 = dup_str("ab"), *c2 = dup_str("c");
	char *v1[] = { ab, c, NULL }, *v2[] = { ab2, c2, NULL }, *v3[] = { a, bc, NULL };
	char *v4[] = { a, NULL }, *v5[] = { a, e, NULL }, *v6[] = { NULL };
	char *path = dup_str("/bin/true"), *path2 = dup_str("/bin/true");
	int v;

	group("compare: string arrays");
	setup("execve", 2);
	argp(0, 0, path);
	argp(1, 0, path2);
	argp(0, 1, v1);
	argp(1, 1, v2);
	CHECK(cmp_call() == 0, "equal argv at different addresses differs: %s", why);

	argp(1, 1, v3);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2"), "[\"ab\",\"c\"] vs [\"a\",\"bc\"]: %d, \"%s\"", v, why);

	argp(0, 1, v4);
	argp(1, 1, v5);
	v = cmp_call();
	CHECK(v == 1, "[\"a\"] vs [\"a\",\"\"] compare equal");

	argp(0, 1, v6);
	argp(1, 1, v6);
	CHECK(cmp_call() == 0, "two empty arrays differ: %s", why);

	argp(1, 1, v4);
	CHECK(cmp_call() == 1, "an empty array equals [\"a\"]");

	/* envp NULL in one variant only. */
	argp(0, 1, v1);
	argp(1, 1, v2);
	argp(0, 2, v1);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 3") && has(why, "NULL"), "envp NULL in one variant: %d, \"%s\"", v, why);
	free(ab);
	free(c);
	free(a);
	free(bc);
	free(e);
	free(ab2);
	free(c2);
	free(path);
	free(path2);
	group_end();
}

static void test_compare_saddr(void)
{
	struct sockaddr_un ua, ub;
	struct sockaddr_in ia, ib;
	int v;

	group("compare: socket addresses");
	memset(&ua, 'X', sizeof(ua));
	memset(&ub, 'Y', sizeof(ub));
	ua.sun_family = ub.sun_family = AF_UNIX;
	strcpy(ua.sun_path, "/tmp/chorus.sock");
	strcpy(ub.sun_path, "/tmp/chorus.sock");
	setup("connect", 2);
	arg_all(0, 3);
	arg_all(2, sizeof(ua));
	argp(0, 1, &ua);
	argp(1, 1, &ub);
	CHECK(cmp_call() == 0, "AF_UNIX paths with different bytes after the NUL differ: %s", why);

	strcpy(ub.sun_path, "/tmp/chorus.sorc");
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2"), "different AF_UNIX paths: %d, \"%s\"", v, why);

	/* Abstract names: every byte up to the length is the name. */
	memset(&ua, 'X', sizeof(ua));
	memset(&ub, 'Y', sizeof(ub));
	ua.sun_family = ub.sun_family = AF_UNIX;
	ua.sun_path[0] = ub.sun_path[0] = 0;
	memcpy(ua.sun_path + 1, "name", 4);
	memcpy(ub.sun_path + 1, "name", 4);
	arg_all(2, offsetof(struct sockaddr_un, sun_path) + 5);
	CHECK(cmp_call() == 0, "equal abstract names differ: %s", why);
	arg_all(2, sizeof(ua));
	CHECK(cmp_call() == 1, "abstract names differing within the length compare equal");

	/* IPv4: sin_zero is padding. */
	memset(&ia, 'A', sizeof(ia));
	memset(&ib, 'B', sizeof(ib));
	ia.sin_family = ib.sin_family = AF_INET;
	ia.sin_port = ib.sin_port = htons(8080);
	ia.sin_addr.s_addr = ib.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	argp(0, 1, &ia);
	argp(1, 1, &ib);
	arg_all(2, sizeof(ia));
	CHECK(cmp_call() == 0, "AF_INET with different sin_zero differs: %s", why);
	ib.sin_port = htons(8081);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2") && has(why, "byte 3"), "different ports: %d, \"%s\"", v, why);
	ib.sin_port = htons(8080);
	ib.sin_addr.s_addr = htonl(0x7f000002);
	CHECK(cmp_call() == 1, "different IPv4 addresses compare equal");

	/* sendto's address is argument 5, its length argument 6. */
	{
		char *da = dup_str("data"), *db = dup_str("data");

		ib.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		setup("sendto", 2);
		arg_all(0, 3);
		arg_all(2, 4);
		arg_all(5, sizeof(ia));
		argp(0, 1, da);
		argp(1, 1, db);
		argp(0, 4, &ia);
		argp(1, 4, &ib);
		CHECK(cmp_call() == 0, "sendto to the same IPv4 address differs: %s", why);
		ib.sin_port = htons(1);
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 5"), "sendto to different ports: %d, \"%s\"", v, why);
		free(da);
		free(db);
	}
	group_end();
}

static void test_compare_misc(void)
{
	char *x = dup_str("abcdefgh"), *y = dup_str("zyxwvuts");
	int v;

	group("compare: PTR, fd_set, flock, pollfd");
	/* PTR arguments are neither compared nor followed. */
	setup("munmap", 2);
	argp(0, 0, x);
	argp(1, 0, y);
	arg_all(1, 4096);
	CHECK(cmp_arg(0) == 0, "munmap's address (PTR) was compared: %s", why);
	CHECK(cmp_call() == 0, "munmap at different addresses differs: %s", why);
	arg(1, 1, 8192);
	v = cmp_call();
	CHECK(v == 1 && has(why, "argument 2"), "munmap of different lengths: %d, \"%s\"", v, why);

	setup("mmap", 2);
	arg(0, 0, 0x10000);
	arg(1, 0, 0x7f0000000000);
	arg_all(1, 4096);
	arg_all(2, PROT_READ);
	arg_all(3, MAP_PRIVATE | MAP_ANONYMOUS);
	arg_all(4, -1);
	CHECK(cmp_call() == 0, "mmap hints at different addresses differ: %s", why);
	arg(1, 2, PROT_READ | PROT_WRITE);
	CHECK(cmp_call() == 1, "mmap with different protections compares equal");

	{
		struct sigaction sa, sb;

		memset(&sa, 0, sizeof(sa));
		memset(&sb, 0xff, sizeof(sb));
		setup("rt_sigaction", 2);
		arg_all(0, SIGUSR1);
		argp(0, 1, &sa);
		argp(1, 1, &sb);
		arg(0, 2, 0);
		argp(1, 2, &sa);
		arg_all(3, 8);
		CHECK(cmp_call() == 0, "rt_sigaction's PTR arguments were compared: %s", why);
	}

	/* fd_set: as many bytes as nfds needs. */
	{
		fd_set ra, rb;

		FD_ZERO(&ra);
		FD_ZERO(&rb);
		FD_SET(3, &ra);
		FD_SET(3, &rb);
		setup("select", 2);
		arg_all(0, 10);
		argp(0, 1, &ra);
		argp(1, 1, &rb);
		CHECK(cmp_call() == 0, "equal fd_sets differ: %s", why);
		FD_SET(100, &rb);
		CHECK(cmp_call() == 0, "fd_set bits beyond nfds were compared: %s", why);
		FD_SET(4, &rb);
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 2"), "fd_sets differing in fd 4: %d, \"%s\"", v, why);
		FD_CLR(4, &rb);
		arg_all(0, 101);
		CHECK(cmp_call() == 1, "fd_sets differing in fd 100 < nfds compare equal");
	}

	/* struct flock: padding and l_pid are not compared. */
	{
		struct flock fa, fb;

		memset(&fa, 0x11, sizeof(fa));
		memset(&fb, 0x22, sizeof(fb));
		fa.l_type = fb.l_type = F_WRLCK;
		fa.l_whence = fb.l_whence = SEEK_SET;
		fa.l_start = fb.l_start = 10;
		fa.l_len = fb.l_len = 20;
		fa.l_pid = 1;
		fb.l_pid = 2;
		setup("fcntl", 2);
		set.call.arg[2] = (struct arg_desc){ .kind = A_FLOCK };
		arg_all(0, 3);
		arg_all(1, F_SETLK);
		argp(0, 2, &fa);
		argp(1, 2, &fb);
		CHECK(cmp_call() == 0, "struct flock differing only in padding and l_pid differs: %s", why);
		fb.l_start = 11;
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 3"), "struct flock with different l_start: %d, \"%s\"", v, why);
	}

	/* struct pollfd: revents, an output, is not compared; fd and events are. */
	{
		struct pollfd pa[2] = { { 3, POLLIN, 0x1234 }, { 4, POLLOUT, 0 } };
		struct pollfd pb[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, 0x5678 } };

		setup("poll", 2);
		argp(0, 0, pa);
		argp(1, 0, pb);
		arg_all(1, 2);
		arg_all(2, 100);
		CHECK(cmp_call() == 0, "pollfd arrays differing only in revents differ: %s", why);
		pb[1].events = POLLIN;
		v = cmp_call();
		CHECK(v == 1 && has(why, "argument 1"), "pollfd arrays with different events: %d, \"%s\"", v, why);
		pb[1].events = POLLOUT;
		pb[0].fd = 5;
		CHECK(cmp_call() == 1, "pollfd arrays with different descriptors compare equal");
	}
	free(x);
	free(y);
	group_end();
}

/* ------------------------------------------------------------------ */
/* format_str and report_call                                            */

/* Reads C-style quoted text back into bytes; -1 when it is not well formed. */
static long unquote(const char *q, unsigned char *out, size_t cap, bool *cut)
{
	size_t n = 0;

	*cut = false;
	if (*q++ != '"')
		return -1;
	while (*q && *q != '"') {
		unsigned char ch;

		if (*q != '\\') {
			ch = (unsigned char)*q++;
		} else {
			q++;
			switch (*q) {
			case 'n': ch = '\n'; q++; break;
			case 't': ch = '\t'; q++; break;
			case 'r': ch = '\r'; q++; break;
			case 'v': ch = '\v'; q++; break;
			case 'f': ch = '\f'; q++; break;
			case 'a': ch = '\a'; q++; break;
			case 'b': ch = '\b'; q++; break;
			case '\\': case '"': case '\'': ch = (unsigned char)*q++; break;
			default:
				if (*q < '0' || *q > '7')
					return -1;
				ch = 0;
				for (int k = 0; k < 3 && *q >= '0' && *q <= '7'; k++)
					ch = (unsigned char)(ch * 8 + (unsigned)(*q++ - '0'));
			}
		}
		if (n >= cap)
			return -1;
		out[n++] = ch;
	}
	if (*q++ != '"')
		return -1;
	if (strcmp(q, "...") == 0)
		*cut = true;
	else if (*q)
		return -1;
	return (long)n;
}

static bool fmt_is(const void *s, size_t n, size_t max, const char *want)
{
	char out[512];
	int r = format_str(out, sizeof(out), s, n, max);

	if (strcmp(out, want) != 0 || r != (int)strlen(out)) {
		printf("    format_str gave %s (returned %d), expected %s\n", out, r, want);
		return false;
	}
	return true;
}

/* format_str(s) read back C-style must give s again. */
static bool round_trips(const unsigned char *s, size_t n, char *shown, size_t shownlen)
{
	char out[1024];
	unsigned char back[256];
	bool cut;
	long m;

	format_str(out, sizeof(out), s, n, 256);
	snprintf(shown, shownlen, "%s", out);
	m = unquote(out, back, sizeof(back), &cut);
	return m == (long)n && !cut && memcmp(back, s, n) == 0;
}

static void test_format_str(void)
{
	char shown[1100], first[160] = "", first_shown[1100] = "";
	unsigned seed = 12345;
	int bad = 0;

	group("format_str");
	CHECK(fmt_is("hello", 5, 32, "\"hello\""), "plain text");
	CHECK(fmt_is("", 0, 32, "\"\""), "empty string");
	CHECK(fmt_is("say \"hi\"", 8, 32, "\"say \\\"hi\\\"\""), "double quotes are escaped");
	CHECK(fmt_is("a\\b", 3, 32, "\"a\\\\b\""), "backslash is escaped");
	CHECK(fmt_is("one\ntwo\tthree", 13, 32, "\"one\\ntwo\\tthree\""), "newline and tab");
	CHECK(fmt_is("\x01\x7f\xff", 3, 32, "\"\\1\\177\\377\""), "non-printables as octal");
	CHECK(fmt_is("a\0b", 3, 32, "\"a\\0b\""), "a NUL inside the data");
	CHECK(fmt_is("abcdefgh", 8, 8, "\"abcdefgh\""), "exactly max bytes: no ...");
	CHECK(fmt_is("abcdefghi", 9, 8, "\"abcdefgh\"..."), "max+1 bytes: cut with ...");
	{
		char big[100];

		memset(big, 'x', sizeof(big));
		CHECK(fmt_is(big, sizeof(big), 32, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..."), "100 bytes shown as 32 and ...");
	}

	/* Small output buffers: always terminated, never overrun. */
	for (size_t outlen = 8; outlen <= 80; outlen++) {
		char out[128];
		unsigned char s[40];
		int r;

		for (size_t i = 0; i < sizeof(s); i++)
			s[i] = (unsigned char)(i % 3 == 0 ? 0xff : i % 3 == 1 ? '"' : 'a');
		memset(out, '#', sizeof(out));
		r = format_str(out, outlen, s, sizeof(s), 32);
		if (!CHECK(memchr(out, 0, outlen) != NULL && (size_t)r == strlen(out) && out[0] == '"' &&
				   out[outlen] == '#',
			   "format_str into %zu bytes: returned %d, wrote \"%.*s\"", outlen, r, (int)outlen, out))
			break;
	}

	/* C-style quoting must read back as the same bytes. */
	{
		static const struct { const char *s; size_t n; const char *what; bool digit; } cases[] = {
			{ "\x1b[0m", 4, "{0x1b,'[','0','m'}", false },
			{ "\t\\\"\n", 4, "{'\\t','\\\\','\"','\\n'}", false },
			{ "\x01" "2", 2, "{0x01,'2'}", true },	   /* "\12" would read back as a newline */
			{ "\0" "0", 2, "{0x00,'0'}", true },	   /* "\00" would read back as one NUL */
			{ "\x1f" "7x", 3, "{0x1f,'7','x'}", true }, /* "\377x" is 0xff then 'x' */
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			CHECK(round_trips((const unsigned char *)cases[i].s, cases[i].n, shown, sizeof(shown)),
			      "bytes %s are shown as %s, which reads back (C-style) as other bytes%s", cases[i].what, shown,
			      cases[i].digit ? ": an octal escape followed by a digit needs all three digits" : "");
	}
	for (int k = 0; k < 500; k++) {
		unsigned char s[64];
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(s);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* bytes biased toward controls and digits */
			s[i] = (unsigned char)((seed >> 16) % 4 == 0 ? '0' + (seed >> 20) % 10 : (seed >> 16) & 0xff);
		}
		if (!round_trips(s, n, shown, sizeof(shown)) && bad++ == 0) {
			size_t o = 0;

			for (size_t i = 0; i < n && o + 4 < sizeof(first); i++)
				o += (size_t)snprintf(first + o, sizeof(first) - o, "%02x", s[i]);
			snprintf(first_shown, sizeof(first_shown), "%s", shown);
		}
	}
	CHECK(bad == 0, "%d of 500 random byte strings do not read back the same after quoting; the first, %s, is shown as %s",
	      bad, first, first_shown);
	group_end();
}

static void test_report_call(void)
{
	char buf[512];
	char *hi = dup_str("hi\n"), *path = dup_str("/bin/true"), *a0 = dup_str("true"), *a1 = dup_str("-x");
	char *argv[] = { a0, a1, NULL };

	group("report_call");
	setup("write", 2);
	arg_all(0, 1);
	argp(0, 1, hi);
	arg_all(2, 3);
	report_call(buf, sizeof(buf), &set, &set.t[0]);
	CHECK(strcmp(buf, "write(1, \"hi\\n\", 3)") == 0, "write shown as %s", buf);
	arg(0, 1, 0);
	arg(0, 2, 0);
	report_call(buf, sizeof(buf), &set, &set.t[0]);
	CHECK(strcmp(buf, "write(1, NULL, 0)") == 0, "write of NULL shown as %s", buf);

	setup("munmap", 2);
	arg(0, 0, 0x1000);
	arg(0, 1, 4096);
	report_call(buf, sizeof(buf), &set, &set.t[0]);
	CHECK(strcmp(buf, "munmap(0x1000, 4096)") == 0, "munmap shown as %s", buf);

	setup("execve", 2);
	argp(0, 0, path);
	argp(0, 1, argv);
	report_call(buf, sizeof(buf), &set, &set.t[0]);
	CHECK(strcmp(buf, "execve(\"/bin/true\", [\"true\", \"-x\"], NULL)") == 0, "execve shown as %s", buf);

	set.t[0].regs.orig_rax = __NR_kexec_load;
	arg(0, 0, 1);
	arg(0, 1, 2);
	arg(0, 2, 3);
	report_call(buf, sizeof(buf), &set, &set.t[0]);
	{
		char want[64];

		snprintf(want, sizeof(want), "syscall_%d(0x1, 0x2, 0x3", __NR_kexec_load);
		CHECK(strncmp(buf, want, strlen(want)) == 0, "a call with no row shown as %s", buf);
	}
	free(hi);
	free(path);
	free(a0);
	free(a1);
	group_end();
}

/* ------------------------------------------------------------------ */
/* fdmap.c                                                              */

static void test_paths(void)
{
	static const char *const yes[] = {
		"/proc/self", "/proc/self/", "/proc/self/maps", "/proc/self/fd/3", "/proc/self/stat",
		"/proc/thread-self", "/proc/thread-self/stat",
	};
	static const char *const no[] = {
		"/proc/selfish", "/proc/selfmaps", "/proc/sel", "/proc/thread-selfish/stat", "/proc/thread-self2",
		"/etc/passwd", "/proc", "/proc/", "/proc/1/maps", "", "proc/self/maps", "/tmp/proc/self/maps",
	};

	group("path_private");
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK(path_private(yes[i]), "\"%s\" is not private", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK(!path_private(no[i]), "\"%s\" is private", no[i]);
	CHECK(path_private_kind("/proc/self/stat") == PRIV_PROCSTAT, "/proc/self/stat is not PROCSTAT");
	CHECK(path_private_kind("/proc/self/status") == PRIV_PROCSTAT, "/proc/self/status is not PROCSTAT");
	CHECK(path_private_kind("/proc/thread-self/stat") == PRIV_PROCSTAT, "/proc/thread-self/stat is not PROCSTAT");
	CHECK(path_private_kind("/proc/self/maps") == PRIV_PLAIN, "/proc/self/maps is not PLAIN");
	CHECK(path_private_kind("/proc/self/statm") == PRIV_PLAIN, "/proc/self/statm is not PLAIN");
	CHECK(path_private_kind("/proc/self") != PRIV_NONE, "/proc/self is not private");
	CHECK(path_private_kind("/etc/passwd") == PRIV_NONE, "/etc/passwd is private");
	CHECK(path_private_kind("/proc/1/stat") == PRIV_NONE, "/proc/1/stat is private");
	CHECK(path_private_kind("/proc/selfish/stat") == PRIV_NONE, "/proc/selfish/stat is private");
	group_end();
}

/* ------------------------------------------------------------------ */
/* Function names from symbol tables (symbol.c).                        */

struct found_map {
	unsigned long at;
	struct mapping m;
	char path[256];
	bool found;
};

static bool map_of(const struct mapping *m, void *arg)
{
	struct found_map *f = arg;

	if (f->at < m->lo || f->at >= m->hi)
		return true;
	f->m = *m;
	snprintf(f->path, sizeof(f->path), "%s", m->path);
	f->found = true;
	return false;
}

/* The name code_symbol gives address at of this process, or "" for none. */
static const char *symbol_at(const void *at, char *name, size_t len)
{
	struct found_map f = { .at = (unsigned long)at };

	name[0] = 0;
	if (!maps_each(getpid(), map_of, &f) || !f.found)
		return "(unmapped)";
	if (!code_symbol(getpid(), f.m.lo, f.m.hi, f.path, f.at - f.m.lo + f.m.off, name, len))
		name[0] = 0;
	return name;
}

static int a_global_int = 1;
int main(void);

static void test_symbols(void)
{
	char name[64], tiny[4];
	char *heap = malloc(16);

	group("code_symbol");
	CHECK(!strcmp(symbol_at((const char *)test_symbols + 3, name, sizeof(name)), "test_symbols"),
	      "inside test_symbols: \"%s\"", name);
	CHECK(!strcmp(symbol_at((const void *)code_symbol, name, sizeof(name)), "code_symbol"),
	      "code_symbol: \"%s\"", name);
	CHECK(!strcmp(symbol_at((const void *)main, tiny, sizeof(tiny)), "mai"), "truncated: \"%s\"", tiny);
	CHECK(!strcmp(symbol_at(&a_global_int, name, sizeof(name)), ""), "a variable: \"%s\"", name);
	CHECK(!strcmp(symbol_at(heap, name, sizeof(name)), ""), "the heap: \"%s\"", name);
	/* again, from what the first lookups kept: whole where it was cut, and past the cache's size */
	CHECK(!strcmp(symbol_at((const void *)main, name, sizeof(name)), "main"), "main again: \"%s\"", name);
	for (int i = 0; i < 40; i++)
		CHECK(!strcmp(symbol_at((const char *)test_symbols + i, name, sizeof(name)), "test_symbols"),
		      "test_symbols+%d: \"%s\"", i, name);
	CHECK(!strcmp(symbol_at((const void *)code_symbol, name, sizeof(name)), "code_symbol"),
	      "code_symbol again: \"%s\"", name);
	free(heap);
	group_end();
}

static void test_fds(void)
{
	static struct {
		uint8_t before[64];
		struct fdstate f;
		uint8_t after[64];
	} g;
	bool guards = true;

	group("fd_private / fd_set_private");
	memset(&g, 0, sizeof(g));
	memset(g.before, 0xaa, sizeof(g.before));
	memset(g.after, 0xaa, sizeof(g.after));
	CHECK(fd_private(&g.f, 0) == PRIV_NONE, "fd 0 private in a fresh state");
	fd_set_private(&g.f, 3, PRIV_PLAIN);
	CHECK(fd_private(&g.f, 3) == PRIV_PLAIN, "fd 3 not PLAIN after setting it");
	CHECK(fd_private(&g.f, 2) == PRIV_NONE && fd_private(&g.f, 4) == PRIV_NONE, "neighbours of fd 3 changed");
	fd_set_private(&g.f, 5, PRIV_SIGNALFD);
	fd_set_private(&g.f, 6, PRIV_PROCSTAT);
	CHECK(fd_private(&g.f, 5) == PRIV_SIGNALFD && fd_private(&g.f, 6) == PRIV_PROCSTAT, "kinds not kept");
	fd_set_private(&g.f, 3, PRIV_NONE);
	CHECK(fd_private(&g.f, 3) == PRIV_NONE, "fd 3 still private after clearing it");
	fd_set_private(&g.f, 0, PRIV_PLAIN);
	fd_set_private(&g.f, FD_TRACK - 1, PRIV_PLAIN);
	CHECK(fd_private(&g.f, 0) == PRIV_PLAIN, "fd 0 cannot be private");
	CHECK(fd_private(&g.f, FD_TRACK - 1) == PRIV_PLAIN, "the last tracked fd cannot be private");

	/* Out of range: ignored when set, PRIV_NONE when read. */
	fd_set_private(&g.f, FD_TRACK, PRIV_PLAIN);
	fd_set_private(&g.f, FD_TRACK + 63, PRIV_PLAIN);
	fd_set_private(&g.f, -1, PRIV_PLAIN);
	fd_set_private(&g.f, -64, PRIV_PLAIN);
	fd_set_private(&g.f, (1L << 32) + 3, PRIV_PLAIN);
	fd_set_private(&g.f, -(1L << 32) + 3, PRIV_PLAIN);
	for (size_t i = 0; i < sizeof(g.before); i++)
		guards = guards && g.before[i] == 0xaa && g.after[i] == 0xaa;
	CHECK(guards, "fd_set_private of an out-of-range fd wrote outside the table");
	CHECK(fd_private(&g.f, 3) == PRIV_NONE, "fd (1<<32)+3 or -(1<<32)+3 was taken for fd 3");
	CHECK(fd_private(&g.f, FD_TRACK) == PRIV_NONE, "fd FD_TRACK reads as private");
	CHECK(fd_private(&g.f, -1) == PRIV_NONE, "fd -1 reads as private");
	CHECK(fd_private(&g.f, (1L << 32) + 0) == PRIV_NONE, "fd (1<<32) reads as fd 0");
	CHECK(fd_private(&g.f, LONG_MIN) == PRIV_NONE && fd_private(&g.f, LONG_MAX) == PRIV_NONE,
	      "LONG_MIN or LONG_MAX reads as private");
	for (int fd = 0; fd < FD_TRACK; fd++)
		if (fd != 0 && fd != 5 && fd != 6 && fd != FD_TRACK - 1 && fd_private(&g.f, fd)) {
			CHECK(false, "fd %d became private", fd);
			break;
		}
	group_end();
}

/* ------------------------------------------------------------------ */
/* replicate_outputs                                                     */

static bool all_bytes(const void *p, size_t n, unsigned char c)
{
	for (size_t i = 0; i < n; i++)
		if (((const unsigned char *)p)[i] != c)
			return false;
	return true;
}

static void test_replicate(void)
{
	char src[64], dst[64], dst2[64];
	int rc;

	group("replicate_outputs");
	memcpy(src, "hello world, this is the leader's data.....................", 60);

	/* read: as many bytes as the result. */
	setup("read", 2);
	arg_all(0, 0);
	argp(0, 1, src);
	argp(1, 1, dst);
	arg_all(2, 64);
	memset(dst, '.', sizeof(dst));
	rc = replicate_outputs(&set, &set.t[0], &set.t[1], 5);
	CHECK(rc == 0, "read: replicate_outputs returned %d", rc);
	CHECK(memcmp(dst, "hello", 5) == 0 && all_bytes(dst + 5, sizeof(dst) - 5, '.'),
	      "read returning 5: copied \"%.12s\"", dst);

	/* Capped by the capacity argument. */
	memset(dst, '.', sizeof(dst));
	arg_all(2, 8);
	rc = replicate_outputs(&set, &set.t[0], &set.t[1], 20);
	CHECK(rc == 0 && memcmp(dst, "hello wo", 8) == 0 && all_bytes(dst + 8, sizeof(dst) - 8, '.'),
	      "result 20 with capacity 8: rc %d, copied \"%.20s\"", rc, dst);

	/* A failed call copies nothing. */
	memset(dst, '.', sizeof(dst));
	arg_all(2, 64);
	rc = replicate_outputs(&set, &set.t[0], &set.t[1], -EINTR);
	CHECK(rc == 0 && all_bytes(dst, sizeof(dst), '.'), "a failed read copied data (rc %d)", rc);
	rc = replicate_outputs(&set, &set.t[0], &set.t[1], 0);
	CHECK(rc == 0 && all_bytes(dst, sizeof(dst), '.'), "a read returning 0 copied data (rc %d)", rc);

	/* NULL in the follower: skipped. */
	arg(1, 1, 0);
	rc = replicate_outputs(&set, &set.t[0], &set.t[1], 5);
	CHECK(rc == 0, "a NULL follower buffer: rc %d", rc);

	/* Three variants. */
	setup("read", 3);
	argp(0, 1, src);
	argp(1, 1, dst);
	argp(2, 1, dst2);
	arg_all(2, 64);
	memset(dst, '.', sizeof(dst));
	memset(dst2, '.', sizeof(dst2));
	replicate_outputs(&set, &set.t[0], &set.t[1], 11);
	replicate_outputs(&set, &set.t[0], &set.t[2], 11);
	CHECK(memcmp(dst, "hello world", 11) == 0 && memcmp(dst2, "hello world", 11) == 0 && dst[11] == '.' &&
		      dst2[11] == '.',
	      "three variants: \"%.12s\" / \"%.12s\"", dst, dst2);

	/* getxattr(path, name, value, 0) returns the size and writes nothing. */
	{
		char *p = dup_str("/tmp/f"), *nm = dup_str("user.x");

		setup("getxattr", 2);
		argp(0, 0, p);
		argp(1, 0, p);
		argp(0, 1, nm);
		argp(1, 1, nm);
		argp(0, 2, src);
		argp(1, 2, dst);
		arg_all(3, 0);
		memset(dst, '.', sizeof(dst));
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 12);
		CHECK(rc == 0 && all_bytes(dst, sizeof(dst), '.'), "getxattr with size 0 copied data (rc %d, \"%.12s\")", rc,
		      dst);
		arg_all(3, 64);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 12);
		CHECK(rc == 0 && memcmp(dst, src, 12) == 0 && all_bytes(dst + 12, sizeof(dst) - 12, '.'),
		      "getxattr of 12 bytes: rc %d, \"%.14s\"", rc, dst);
		free(p);
		free(nm);
	}

	/* fstat: the whole struct, nothing after it. */
	{
		static struct { struct stat st; char guard[16]; } from, to;

		memset(&from, 0x5a, sizeof(from));
		memset(&to, 0, sizeof(to));
		setup("fstat", 2);
		arg_all(0, 3);
		argp(0, 1, &from.st);
		argp(1, 1, &to.st);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 0);
		CHECK(rc == 0 && memcmp(&from.st, &to.st, sizeof(to.st)) == 0 && all_bytes(to.guard, sizeof(to.guard), 0),
		      "fstat's struct stat not copied exactly (rc %d)", rc);
	}

	/* readv: scattered into the follower's own segments. */
	{
		char f1[4], f2[8], t1[6], t2[10];
		struct iovec fv[2] = { { f1, sizeof(f1) }, { f2, sizeof(f2) } };
		struct iovec tv[2] = { { t1, sizeof(t1) }, { t2, sizeof(t2) } };

		memcpy(f1, "ABCD", 4);
		memcpy(f2, "EFGHIJKL", 8);
		memset(t1, '.', sizeof(t1));
		memset(t2, '.', sizeof(t2));
		setup("readv", 2);
		arg_all(0, 0);
		argp(0, 1, fv);
		argp(1, 1, tv);
		arg_all(2, 2);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 9);
		CHECK(rc == 0 && memcmp(t1, "ABCDEF", 6) == 0 && memcmp(t2, "GHI.......", 10) == 0,
		      "readv of 9 bytes: rc %d, \"%.6s\" \"%.10s\"", rc, t1, t2);
	}

	/* getsockname: the address capped by the follower's socklen, the length copied. */
	{
		unsigned char fa[16], ta[32];
		uint32_t fl = 16, tl = 8;

		for (int i = 0; i < 16; i++)
			fa[i] = (unsigned char)(0xa0 + i);
		memset(ta, '.', sizeof(ta));
		setup("getsockname", 2);
		arg_all(0, 3);
		argp(0, 1, fa);
		argp(1, 1, ta);
		argp(0, 2, &fl);
		argp(1, 2, &tl);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 0);
		CHECK(rc == 0 && memcmp(ta, fa, 8) == 0 && all_bytes(ta + 8, sizeof(ta) - 8, '.'),
		      "getsockname into 8 bytes: rc %d, the address was not copied up to the follower's capacity", rc);
		CHECK(tl == 16, "getsockname: the follower's length is %u, expected the leader's 16", tl);
	}

	/* epoll_wait: as many events as the result. */
	{
		struct epoll_event fe[4], te[4], zero;

		memset(fe, 0x77, sizeof(fe));
		memset(te, 0, sizeof(te));
		memset(&zero, 0, sizeof(zero));
		setup("epoll_wait", 2);
		arg_all(0, 3);
		argp(0, 1, fe);
		argp(1, 1, te);
		arg_all(2, 4);
		arg_all(3, -1);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 2);
		CHECK(rc == 0 && memcmp(te, fe, 2 * sizeof(fe[0])) == 0 && memcmp(&te[2], &zero, sizeof(zero)) == 0 &&
			      memcmp(&te[3], &zero, sizeof(zero)) == 0,
		      "epoll_wait returning 2 did not copy exactly 2 events (rc %d)", rc);
	}

	/* select: the sets nfds needs. */
	{
		unsigned char fs[sizeof(fd_set)], ts[sizeof(fd_set)];

		memset(fs, 0xee, sizeof(fs));
		memset(ts, 0, sizeof(ts));
		setup("select", 2);
		arg_all(0, 70);
		argp(0, 1, fs);
		argp(1, 1, ts);
		rc = replicate_outputs(&set, &set.t[0], &set.t[1], 1);
		CHECK(rc == 0 && all_bytes(ts, 16, 0xee) && all_bytes(ts + 16, sizeof(ts) - 16, 0),
		      "select with nfds 70 did not copy exactly 16 bytes of fd_set (rc %d)", rc);
	}
	group_end();
}

/* A crash inside the code under test still names the group and ends with the count. */
static void on_crash(int sig)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "  FAIL %s: crashed with signal %d (%s)\nFAIL %-28s crashed\n%d passed, %d failed\n",
			 gname, sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", gname, npass, nfail + 1);

	fflush(stdout);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(2);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The hash index against a plain array, through puts, moves and deletes that wrap around its end. */
static void test_index(void)
{
	enum { KEYS = 600, OPS = 20000 };
	static long ref[KEYS];
	struct index ix = { 0 };
	uint64_t r = 12345;
	size_t live = 0, pos;
	bool agree = true, counted = true;

	group("index");
	for (int k = 0; k < KEYS; k++)
		ref[k] = -1;
	CHECK(!index_get(&ix, 1, 2, &pos), "an empty index finds a key");
	index_del(&ix, 1, 2);
	for (int op = 0; op < OPS; op++) {
		int k;

		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (int)((r >> 33) % (op < OPS / 2 ? KEYS : KEYS / 8)); /* then churn a few keys, the index large */
		if ((r >> 20) & 1) {
			live += ref[k] < 0;
			ref[k] = (long)(r >> 40);
			index_put(&ix, (uint64_t)k % 7, (uint64_t)k * 2654435761u, (size_t)ref[k]);
		} else {
			live -= ref[k] >= 0;
			ref[k] = -1;
			index_del(&ix, (uint64_t)k % 7, (uint64_t)k * 2654435761u);
		}
		counted &= ix.n == live && 2 * ix.n <= ix.cap;
		for (int j = 0; op % 97 == 0 && j < KEYS; j++) {
			bool found = index_get(&ix, (uint64_t)j % 7, (uint64_t)j * 2654435761u, &pos);

			agree &= found == (ref[j] >= 0) && (!found || (long)pos == ref[j]);
		}
	}
	CHECK(agree, "the index and the array disagree on a key");
	CHECK(counted, "the index's count or size is wrong");
	index_free(&ix);
	CHECK(ix.cap == 0 && !index_get(&ix, 0, 0, &pos), "a freed index is not empty");
	group_end();
}

int main(void)
{
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		signal(crashes[i], on_crash);
	test_table();
	test_regs();
	test_compare_strings();
	test_compare_buffers();
	test_compare_iov();
	test_compare_strv();
	test_compare_saddr();
	test_compare_misc();
	test_format_str();
	test_report_call();
	test_paths();
	test_symbols();
	test_fds();
	test_replicate();
	test_index();
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
