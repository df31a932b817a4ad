/* report.c - divergence reports in strace-like syntax, and the JSON Lines event log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "blob.h"

static FILE *events;

#define SHOW 32 /* bytes of a buffer shown, as strace does */

/* Quotes s[0..n) C-style, at most max bytes, "..." after a cut. */
int format_str(char *out, size_t outlen, const unsigned char *s, size_t n, size_t max)
{
	size_t o = 0;

	if (outlen < 8)
		return 0;
	out[o++] = '"';
	for (size_t i = 0; i < n && i < max && o + 6 < outlen; i++) {
		unsigned char ch = s[i];

		if (ch == '"' || ch == '\\')
			o += (size_t)snprintf(out + o, outlen - o, "\\%c", ch);
		else if (ch == '\n')
			o += (size_t)snprintf(out + o, outlen - o, "\\n");
		else if (ch == '\t')
			o += (size_t)snprintf(out + o, outlen - o, "\\t");
		else if (ch < 32 || ch >= 127) /* three digits when a digit follows, to read back right */
			o += (size_t)snprintf(out + o, outlen - o, i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7' ? "\\%03o" : "\\%o", ch);
		else
			out[o++] = (char)ch;
	}
	out[o++] = '"';
	if (n > max && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
	return (int)o;
}

/* One argument as strace would print it. */
static void format_arg(char *out, size_t len, struct task *t, const struct arg_desc *a, int i)
{
	long v = arg_get(&t->regs, i);
	struct blob b;

	if (a->kind == A_FD || a->kind == A_PID || a->kind == A_PGID) { /* ints: -100 is AT_FDCWD, not 4294967196 */
		if (a->kind == A_FD && (int)v == AT_FDCWD)
			snprintf(out, len, "AT_FDCWD");
		else
			snprintf(out, len, "%d", (int)v);
		return;
	}
	if (a->kind == A_VAL) {
		snprintf(out, len, "%ld", v);
		return;
	}
	if (a->kind == A_INT) {
		snprintf(out, len, "%u", (unsigned)v);
		return;
	}
	if (!v) {
		snprintf(out, len, "NULL");
		return;
	}
	if (!arg_has_input(a)) {
		snprintf(out, len, "%#lx", (unsigned long)v);
		return;
	}
	blob_load(&b, t, a, i);
	if (a->kind == A_STRV) {
		size_t o = (size_t)snprintf(out, len, "[");
		size_t start = 0;

		for (size_t k = 0; k <= b.n && o + 8 < len; k++)
			if (k == b.n || b.p[k] == 0) {
				if (k == b.n && k == start)
					break;
				o += (size_t)(start ? snprintf(out + o, len - o, ", ") : 0);
				o += (size_t)format_str(out + o, len - o, b.p + start, k - start, SHOW);
				start = k + 1;
			}
		snprintf(out + o, len - o, "]");
	} else {
		format_str(out, len, b.p, b.n, SHOW);
	}
	blob_free(&b);
}

/* name(arg, arg, ...) of the call a task is stopped at. */
void report_call(char *buf, size_t len, struct vset *set, struct task *t)
{
	long nr = (long)t->regs.orig_rax;
	const struct sc_desc *d = sc_lookup(nr);
	size_t o;

	if (!d) {
		snprintf(buf, len, "syscall_%ld(%#lx, %#lx, %#lx, ...)", nr, arg_get(&t->regs, 0),
			 arg_get(&t->regs, 1), arg_get(&t->regs, 2));
		return;
	}
	o = (size_t)snprintf(buf, len, "%s(", d->name);
	for (int i = 0; i < d->nargs && o + 4 < len; i++) {
		const struct arg_desc *ad = set->call.d == d ? &set->call.arg[i] : &d->arg[i];
		char a[256];

		format_arg(a, sizeof(a), t, ad, i);
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", a);
	}
	if (o + 2 < len)
		snprintf(buf + o, len - o, ")");
}

static const char *signame(int s)
{
	const char *n = sigabbrev_np(s);
	static char buf[16];

	snprintf(buf, sizeof(buf), "SIG%s", n ? n : "?");
	return buf;
}

/* What one task is doing, in words. */
/* After a successful exec the call's arguments are gone with the old image: name the new one. */
static bool describe_exec(char *buf, size_t len, struct task *t)
{
	char path[64], exe[1024];
	long nr = (long)t->regs.orig_rax;
	ssize_t n;

	if (t->state != T_EXIT || (nr != __NR_execve && nr != __NR_execveat) || t->regs.rax != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", t->tid);
	n = readlink(path, exe, sizeof(exe) - 1);
	snprintf(buf, len, "execve(\"%.*s\") = 0", n > 0 ? (int)n : 1, n > 0 ? exe : "?");
	return true;
}

static void describe(char *buf, size_t len, struct vset *set, struct task *t)
{
	if (describe_exec(buf, len, t))
		return;
	switch (t->state) {
	case T_ENTRY:
		report_call(buf, len, set, t);
		break;
	case T_EXIT: {
		size_t o;

		report_call(buf, len, set, t);
		o = strlen(buf);
		snprintf(buf + o, len - o, " = %ld", (long)t->regs.rax);
		break;
	}
	case T_FAULT:
		snprintf(buf, len, "%s at ip %#llx (address %p)", signame(t->si.si_signo), t->regs.rip,
			 t->si.si_addr);
		break;
	case T_RDTSC:
		snprintf(buf, len, "%s", t->rdtscp ? "rdtscp" : "rdtsc");
		break;
	case T_GONE:
		if (WIFEXITED(t->status))
			snprintf(buf, len, "exited with status %d", WEXITSTATUS(t->status));
		else
			snprintf(buf, len, "killed by %s", signame(WTERMSIG(t->status)));
		break;
	default:
		snprintf(buf, len, "running");
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 32)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void trace_call(struct vset *set)
{
	char buf[1024];

	report_call(buf, sizeof(buf), set, &set->t[0]);
	fprintf(stderr, "chorus: [%d] %s\n", set->t[0].tid, buf);
}

void report_divergence(struct vset *set, const char *what, const char *detail)
{
	char line[8192], one[2048];
	size_t o = 0;

	for (int i = 0; i < set->n; i++) {
		describe(one, sizeof(one), set, &set->t[i]);
		o += (size_t)snprintf(line + o, sizeof(line) - o, "%svariant %d: %s", i ? " / " : "", i, one);
		if (o >= sizeof(line))
			break;
	}
	fprintf(stderr, "chorus: %s: %s\nchorus: %s\n", what, line, detail);
	if (!events)
		return;
	fprintf(events, "{\"event\":\"divergence\",\"time\":%.6f,\"detail\":", now());
	json_str(events, detail);
	fprintf(events, ",\"variants\":[");
	for (int i = 0; i < set->n; i++) {
		describe(one, sizeof(one), set, &set->t[i]);
		fprintf(events, "%s{\"variant\":%d,\"pid\":%d,\"state\":", i ? "," : "", i, set->t[i].tid);
		json_str(events, one);
		fprintf(events, "}");
	}
	fprintf(events, "]}\n");
	fflush(events);
}

/* The program is not started after all: every variant goes, the run ends with status. */
static void refuse_start(struct vset *set, int status)
{
	monitor_kill_all(set);
	set->exit_status = status;
	set->phase = PH_DONE;
}

void report_exec_failure(struct vset *set, int err)
{
	fprintf(stderr, "chorus: cannot execute %s: %s\n", opt.paths[0], strerror(err));
	refuse_start(set, -2);
}

void report_no_diversity(struct vset *set)
{
	fprintf(stderr, "chorus: the variants got one memory layout: address space randomization is off "
			"(kernel.randomize_va_space = 0?); turn it on with 'sysctl kernel.randomize_va_space=2'\n");
	refuse_start(set, -3);
}

void report_fixed_code(struct vset *set, const char *path)
{
	fprintf(stderr, "chorus: %s is not position-independent: its code lies at one address in every variant; "
			"rebuild it with -fPIE -pie, or run it without --dcl (its own code is then shared)\n", path);
	refuse_start(set, -3);
}

bool events_on(void)
{
	return events != NULL;
}

void events_code(struct vset *set, int k, const struct code_range *r)
{
	if (!events)
		return;
	fprintf(events, "{\"event\":\"code\",\"time\":%.6f,\"pid\":%d,\"variant\":%d,\"real_pid\":%d,"
			"\"start\":\"%#lx\",\"end\":\"%#lx\",\"file\":", now(), set->vpid, k, set->t[k].tid, r->lo, r->hi);
	json_str(events, r->path);
	fprintf(events, "}\n");
	fflush(events);
}

int events_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	events = fdopen(fd, "w");
	return events ? 0 : -errno;
}

void events_start(struct vset *set)
{
	if (!events)
		return;
	fprintf(events, "{\"event\":\"start\",\"time\":%.6f,\"monitor\":%d,\"argv\":[", now(), getpid());
	for (int i = 0; opt.argv[i]; i++) {
		fputs(i ? "," : "", events);
		json_str(events, opt.argv[i]);
	}
	fprintf(events, "],\"variants\":[");
	for (int i = 0; i < set->n; i++) {
		fprintf(events, "%s{\"variant\":%d,\"pid\":%d,\"binary\":", i ? "," : "", i, set->t[i].tid);
		json_str(events, opt.paths[i]);
		fprintf(events, "}");
	}
	fprintf(events, "]}\n");
	fflush(events);
}

void events_exit(struct vset *set, int status)
{
	if (!events)
		return;
	fprintf(events, "{\"event\":\"exit\",\"time\":%.6f,\"status\":%d,\"syscalls\":%llu}\n", now(), status,
		(unsigned long long)set->syscalls);
	fclose(events);
	events = NULL;
}
