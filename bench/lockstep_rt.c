/*
 * lockstep_rt.c - the floor for two variants: a tracer that only meets two
 * tracees at each getppid (a SECCOMP_RET_TRACE stop each), reads both
 * stops' registers, as any monitor must to know the call, and continues
 * both. No comparison, no bookkeeping: what lockstep itself costs.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trap_getppid.h"

#define VARIANTS 2


static pid_t start(long n, int go)
{
	pid_t pid = fork();
	char c;

	if (pid == 0) {
		if (read(go, &c, 1) != 1)
			_exit(1);
		trap_getppid();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	if (pid > 0)
		ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
	return pid;
}

/* Waits until every variant has stopped (true) or one has ended (false). */
static int meet(void)
{
	struct user_regs_struct r;
	int st;

	for (int got = 0; got < VARIANTS; got++) {
		pid_t p = waitpid(-1, &st, __WALL);

		if (p < 0 || WIFEXITED(st) || WIFSIGNALED(st))
			return 0;
		ptrace(PTRACE_GETREGS, p, 0, &r);
	}
	return 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	pid_t pid[VARIANTS];
	int go[2];

	if (pipe(go) < 0)
		return 1;
	for (int v = 0; v < VARIANTS; v++)
		if ((pid[v] = start(n, go[0])) < 0)
			return 1;
	if (write(go[1], "gg", VARIANTS) != VARIANTS)
		return 1;
	while (meet())
		for (int v = 0; v < VARIANTS; v++)
			ptrace(PTRACE_CONT, pid[v], 0, 0);
	while (wait(NULL) > 0)
		;
	return 0;
}
