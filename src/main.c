/* main.c - the command line: options, finding the program, exit statuses. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chorus.h"

#define VERSION "0.1"

struct options opt = { .n = 2, .divergence_status = EXIT_DIVERGENCE_DEFAULT, .dcl = DCL_ON };

static char resolved[MAX_VARIANTS][PATH_MAX];

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "chorus: internal error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_CHORUS_FAIL); /* PTRACE_O_EXITKILL takes every variant with us */
}

static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "chorus: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try 'chorus --help')\n", stderr);
	exit(EXIT_CHORUS_FAIL);
}

static void usage(void)
{
	puts("usage: chorus [OPTIONS] [--] PROGRAM [ARG...]\n"
	     "       chorus [OPTIONS] --variant PATH --variant PATH ... [--] [ARG...]\n"
	     "Runs PROGRAM as several variants, each with its own memory layout, in\n"
	     "lockstep: every syscall is compared across the variants and carried out once.\n\n"
	     "  -n, --variants N          number of variants, 2 to 16 (default 2)\n"
	     "      --variant PATH        one binary per variant (repeat; N is their count)\n"
	     "      --events FILE         write start, divergence and exit events as JSON Lines\n"
	     "      --divergence-status N exit status on a divergence (default 86)\n"
	     "      --no-diversity        one memory layout for all variants (to compare two\n"
	     "                            builds; an attack on addresses is then not caught)\n"
	     "      --dcl, --no-dcl       disjoint code layouts: no address is executable in two\n"
	     "                            variants, checked at every exec and new code mapping\n"
	     "                            (default: on)\n"
	     "      --layout              print where each variant's code lies, as it is mapped\n"
	     "      --trace               print every syscall of the leader, as it is compared\n"
	     "      --no-pin              never run variants on the monitor's CPU (by default a\n"
	     "                            process whose variants make syscalls in quick\n"
	     "                            succession runs there while it does)\n"
	     "      --syscalls            list the syscalls chorus handles, and how\n"
	     "  -h, --help                this help\n"
	     "      --version             version\n\n"
	     "Exit status: the program's own (128+signal if killed by one); 86 on a\n"
	     "divergence; 125 when chorus fails; 126 when PROGRAM cannot be executed;\n"
	     "127 when PROGRAM is not found.");
}

/* The table, as a Markdown list: what is covered and how. */
static void list_syscalls(void)
{
	static const char *const how[] = {
		[RUN_ALL] = "every variant", [RUN_ALLR] = "every variant, results compared",
		[RUN_OWN] = "every variant, own results", [RUN_ONCE] = "once, result copied",
		[RUN_FD] = "once, descriptor mirrored", [RUN_EMU] = "answered by the monitor",
		[RUN_DENY] = "refused", [RUN_EXIT] = "every variant, ends it",
		[RUN_EXEC] = "every variant, exec", [RUN_SIGRET] = "every variant",
		[RUN_PLACE] = "every variant, placed", [RUN_MON] = "by the monitor, result copied",
		[RUN_FORK] = "every variant, children make a set",
	};

	puts("| syscall | how | irregular |\n|---|---|---|");
	for (int i = 0; i < sc_count(); i++) {
		const struct sc_desc *d = sc_at(i);

		printf("| %s | %s%s%s | %s |\n", d->name, how[d->policy], d->policy == RUN_DENY ? ": " : "",
		       d->policy == RUN_DENY ? strerrorname_np(d->err) : "", d->pre || d->post ? "yes" : "");
	}
}

static int parse_int(const char *s, const char *what, int lo, int hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == 0 || *end || v < lo || v > hi)
		usage_error("%s must be a whole number from %d to %d, not '%s'", what, lo, hi, s);
	return (int)v;
}

static int exec_error(const char *path, int err)
{
	fprintf(stderr, "chorus: %s: %s\n", path, strerror(err));
	return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_NOT_EXEC;
}

/* 0 when path can be executed; otherwise the errno to report. */
static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return EACCES;
	return 0;
}

/* Finds prog as execvp would; returns 0 or chorus's exit status. */
static int resolve(const char *prog, char *out)
{
	const char *path = getenv("PATH");
	int err = ENOENT;

	if (*prog == 0)
		return exec_error("''", ENOENT);
	if (strchr(prog, '/')) {
		int e = check_exec(prog);

		snprintf(out, PATH_MAX, "%s", prog);
		return e ? exec_error(prog, e) : 0;
	}
	for (const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin"; p; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL) {
		size_t n = strcspn(p, ":");
		int e;

		snprintf(out, PATH_MAX, "%.*s%s%s", (int)n, n ? p : ".", "/", prog);
		e = check_exec(out);
		if (e == 0)
			return 0;
		if (e != ENOENT && e != ENOTDIR)
			err = e;
	}
	return exec_error(prog, err);
}

static int parse(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "variants", required_argument, 0, 'n' },
		{ "variant", required_argument, 0, 'V' },
		{ "events", required_argument, 0, 'e' },
		{ "divergence-status", required_argument, 0, 'd' },
		{ "trace", no_argument, 0, 't' },
		{ "no-diversity", no_argument, 0, 'D' },
		{ "dcl", no_argument, 0, 'C' },
		{ "no-dcl", no_argument, 0, 'c' },
		{ "layout", no_argument, 0, 'L' },
		{ "no-pin", no_argument, 0, 'P' },
		{ "syscalls", no_argument, 0, 's' },
		{ "help", no_argument, 0, 'h' },
		{ "version", no_argument, 0, 'v' },
		{ 0, 0, 0, 0 },
	};
	int c, nvariant = 0;
	bool n_given = false, dcl_given = false;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+n:h", longs, NULL)) != -1) {
		switch (c) {
		case 'n': opt.n = parse_int(optarg, "the number of variants", 2, MAX_VARIANTS); n_given = true; break;
		case 'V':
			if (nvariant == MAX_VARIANTS)
				usage_error("at most %d --variant options", MAX_VARIANTS);
			opt.paths[nvariant++] = optarg;
			break;
		case 'e': opt.events = optarg; break;
		case 't': opt.trace = true; break;
		case 'D': opt.no_diversity = true; break;
		case 'C': opt.dcl = DCL_STRICT; dcl_given = true; break;
		case 'c': opt.dcl = DCL_OFF; break;
		case 'L': opt.layout = true; break;
		case 'P': opt.no_pin = true; break;
		case 's': list_syscalls(); exit(0);
		case 'd': opt.divergence_status = parse_int(optarg, "--divergence-status", 0, 255); break;
		case 'h': usage(); exit(0);
		case 'v': puts("chorus " VERSION); exit(0);
		case ':': usage_error("option '%s' needs a value", argv[optind - 1]);
		default: usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (nvariant == 1)
		usage_error("--variant needs at least two binaries");
	if (opt.no_diversity && dcl_given)
		usage_error("--dcl needs diversity: it cannot go with --no-diversity");
	if (opt.no_diversity)
		opt.dcl = DCL_OFF;
	if (nvariant && n_given && opt.n != nvariant)
		usage_error("-n %d does not match the %d --variant binaries", opt.n, nvariant);
	if (nvariant) {
		opt.n = nvariant;
		optind--;
		argv[optind] = (char *)opt.paths[0];
	} else if (optind >= argc) {
		usage_error("no program given");
	}
	opt.argv = argv + optind;
	for (int i = 0; i < opt.n; i++) {
		int rc = resolve(nvariant ? opt.paths[i] : argv[optind], resolved[i]);

		if (rc)
			return rc;
		opt.paths[i] = resolved[i];
	}
	return 0;
}

/* The program's wait status as a shell reports it. */
static int exit_code(int status)
{
	if (status == -1)
		return opt.divergence_status;
	if (status == -2)
		return EXIT_NOT_EXEC;
	if (status == -3)
		return EXIT_CHORUS_FAIL;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return status & 0x7f ? 128 + (status & 0x7f) : EXIT_CHORUS_FAIL;
}

int main(int argc, char **argv)
{
	static struct vset set;
	int rc = parse(argc, argv), status;

	if (rc)
		return rc;
	if (opt.events && (rc = events_open(opt.events)) < 0) {
		fprintf(stderr, "chorus: cannot write events to %s: %s\n", opt.events, strerror(-rc));
		return EXIT_CHORUS_FAIL;
	}
	rc = launch(&set);
	if (rc < 0) {
		fprintf(stderr, "chorus: cannot start the variants: %s\n", strerror(-rc));
		return EXIT_CHORUS_FAIL;
	}
	cpu_setup();
	status = monitor_run(&set);
	events_exit(&set, exit_code(status));
	return exit_code(status);
}
