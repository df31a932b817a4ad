/* launch.c - starting the variants: fork, seize, seccomp filter, exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chorus.h"
#include "signals.h"

extern char **environ;

#define TRACE_OPTIONS                                                                    \
	(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD |             \
	 PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE)

static _Noreturn void child_fail(const char *what)
{
	dprintf(2, "chorus: variant setup failed: %s: %s\n", what, strerror(errno));
	_exit(EXIT_CHORUS_FAIL);
}

/*
 * In the new variant: die with the monitor, own ASLR, rdtsc trapped, wait
 * until the monitor has seized us, then the filter and the exec. From the
 * filter on, every syscall stops in the monitor, the execve included.
 */
/*
 * A follower's own /dev/shm, in a mount namespace of its own: POSIX shared
 * memory and named semaphores (files there, mapped shared) are then each
 * variant's own, as the rest of its memory is. Needs CAP_SYS_ADMIN; without
 * it the variants share /dev/shm (shm_check() notices).
 */
static void own_shm(void)
{
	if (unshare(CLONE_NEWNS) == 0 && mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) == 0)
		mount("chorus-shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
}

static _Noreturn void child(int go, pid_t monitor, const char *path, bool follower)
{
	char c;
	int pers;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != monitor)
		_exit(EXIT_CHORUS_FAIL);
	signals_child_reset();
	pers = personality(0xffffffff);
	if (pers != -1 && opt.no_diversity)
		personality((unsigned long)pers | ADDR_NO_RANDOMIZE);
	else if (pers != -1 && (pers & ADDR_NO_RANDOMIZE))
		personality((unsigned long)pers & ~(unsigned long)ADDR_NO_RANDOMIZE);
	if (prctl(PR_SET_TSC, PR_TSC_SIGSEGV) < 0)
		child_fail("PR_SET_TSC");
	if (follower)
		own_shm();
	if (read(go, &c, 1) != 1)
		_exit(EXIT_CHORUS_FAIL);
	close(go);
	if (prctl(PR_SET_PDEATHSIG, 0) < 0)
		child_fail("PR_SET_PDEATHSIG");
	if (filter_install() < 0)
		child_fail("seccomp filter");
	execve(path, opt.argv, environ);
	child_fail("execve");
}

static int start_one(struct vset *set, int i)
{
	int go[2];
	pid_t pid, monitor = getpid();

	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(go[1]);
		child(go[0], monitor, opt.paths[i], i > 0);
	}
	close(go[0]);
	set->t[i].tid = pid;
	set->t[i].tgid = pid;
	set->t[i].ppid = monitor;
	set->t[i].idx = i;
	set->t[i].state = T_RUNNING;
	if (ptrace(PTRACE_SEIZE, pid, 0, TRACE_OPTIONS) < 0) {
		int e = errno;

		close(go[1]);
		return -e;
	}
	if (write(go[1], "g", 1) != 1) {
		close(go[1]);
		return -EPIPE;
	}
	close(go[1]);
	return 0;
}

/* Starts opt.n variants; on failure none is left running. */
int launch(struct vset *set)
{
	int rc;

	memset(set, 0, sizeof(*set));
	set->n = opt.n;
	set->launching = true;
	set->phase = PH_RUN;
	rc = filter_build();
	if (rc < 0)
		return rc;
	set->p = proc_new(NULL, set);
	signals_install_monitor(set);
	for (int i = 0; i < set->n; i++) {
		rc = start_one(set, i);
		if (rc < 0) {
			set->n = i + (set->t[i].tid > 0);
			monitor_kill_all(set);
			return rc;
		}
	}
	/*
	 * No process of the user's may read or write the monitor through
	 * /proc from now on. Not before the variants are seized: a child
	 * forked by a process that is not dumpable is not dumpable either
	 * until its exec, and only a tracer with CAP_SYS_PTRACE may seize it.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	set->vpid = set->t[0].tid;
	set->vppid = getpid();
	return 0;
}

/* Whether two processes see one /dev/shm (through /proc/PID/root, in their own mount namespaces). */
static bool same_shm(pid_t a, pid_t b)
{
	char pa[64], pb[64];
	struct stat sa, sb;

	snprintf(pa, sizeof(pa), "/proc/%d/root/dev/shm", a);
	snprintf(pb, sizeof(pb), "/proc/%d/root/dev/shm", b);
	return stat(pa, &sa) < 0 || stat(pb, &sb) < 0 || (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

/* At the first exec: whether every follower has its own /dev/shm. */
void shm_check(struct vset *set)
{
	bool own = true;

	for (int i = 1; i < set->n; i++)
		own &= !same_shm(set->t[0].tid, set->t[i].tid);
	shm_set_private(own);
}
