/* ptrace_rt.c - the floor: a tracer that only continues a SECCOMP_RET_TRACE stop per syscall. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trap_getppid.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	int go[2], st;
	pid_t pid;
	char c;

	if (pipe(go) < 0 || (pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		trap_getppid();
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
	if (write(go[1], "g", 1) != 1)
		return 1;
	while (waitpid(pid, &st, __WALL) == pid && !WIFEXITED(st) && !WIFSIGNALED(st)) {
		int sig = WSTOPSIG(st);

		ptrace(PTRACE_CONT, pid, 0, sig == SIGTRAP ? 0 : sig);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
