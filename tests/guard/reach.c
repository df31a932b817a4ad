/*
 * Under chorus, a variant tries to reach around the monitor: it looks up the
 * monitor (its parent) and its twins (the other processes running its own
 * binary under the same parent, found in /proc), then tries ptrace,
 * process_vm_readv/writev, /proc/PID/mem and signals (SIGKILL included) on
 * each, and tries to weaken monitoring with seccomp, prctl and personality.
 * Every attempt must fail; the program prints one line per attempt. Run only
 * under chorus: natively it would kill its twins' pids. kill(2) of the
 * monitor's pid, the program's parent as it sees it, goes on to the
 * monitor's parent, as natively to the program's (tests/run's
 * cli/signal-parent); tgkill of it is tried here.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static void show(const char *what, long r)
{
	printf("%-34s %s\n", what, r < 0 ? strerror(errno) : "ALLOWED");
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* Processes other than this one that run this binary under the same parent. */
static int find_twins(pid_t *twins, int max)
{
	char self[4096], exe[4096], path[64];
	DIR *d = opendir("/proc");
	struct dirent *e;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int count = 0;

	if (!d || n < 0)
		exit(2);
	self[n] = 0;
	while ((e = readdir(d)) && count < max) {
		pid_t pid = atoi(e->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		n = readlink(path, exe, sizeof(exe) - 1);
		if (n < 0)
			continue;
		exe[n] = 0;
		if (!strcmp(exe, self) && parent_of(pid) == getppid())
			twins[count++] = pid;
	}
	closedir(d);
	return count;
}

/* Tries every way to reach process pid; by kill(2) too if `kills`. */
static void attack(const char *who, pid_t pid, bool kills)
{
	char buf[64] = "overwritten", what[80];
	struct iovec local = { buf, sizeof(buf) }, remote = { buf, sizeof(buf) };

	snprintf(what, sizeof(what), "%s: ptrace attach", who);
	show(what, ptrace(PTRACE_ATTACH, pid, 0, 0));
	snprintf(what, sizeof(what), "%s: process_vm_readv", who);
	show(what, process_vm_readv(pid, &local, 1, &remote, 1, 0));
	snprintf(what, sizeof(what), "%s: process_vm_writev", who);
	show(what, process_vm_writev(pid, &local, 1, &remote, 1, 0));
	snprintf(what, sizeof(what), "%s: open /proc/PID/mem", who);
	snprintf(buf, sizeof(buf), "/proc/%d/mem", pid);
	show(what, open(buf, O_RDWR));
	snprintf(what, sizeof(what), "%s: tgkill SIGKILL", who);
	show(what, syscall(SYS_tgkill, pid, pid, SIGKILL));
	if (!kills)
		return;
	snprintf(what, sizeof(what), "%s: kill 0", who);
	show(what, kill(pid, 0));
	snprintf(what, sizeof(what), "%s: kill SIGKILL", who);
	show(what, kill(pid, SIGKILL));
}

int main(void)
{
	pid_t twins[16];
	int n = find_twins(twins, 16);

	printf("twins found: %s\n", n > 0 ? "yes" : "no");
	attack("monitor", getppid(), false);
	for (int i = 0; i < n; i++)
		attack("twin", twins[i], true);
	show("ptrace traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
	show("seccomp strict", syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, NULL));
	show("prctl set seccomp", prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0));
	show("prctl set ptracer", prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0));
	show("kill -1 0", kill(-1, 0));
	personality(ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC);
	printf("%-34s %s\n", "personality no-randomize", personality(0xffffffff) & (ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC) ? "ALLOWED" : "ignored");
	return 0;
}
