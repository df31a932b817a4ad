/*
 * clone with CLONE_UNTRACED (LeakSanitizer makes its tracer so): the child
 * runs and ends as natively, followed by the monitor like any child.
 */
#define _GNU_SOURCE
#include "check.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
    int status;
    long pid = syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, NULL, NULL, 0);

    CHECK_SYS(pid);
    if (pid == 0) {
        static const char msg[] = "child runs\n";

        if (write(1, msg, sizeof msg - 1) != sizeof msg - 1)
            _exit(1);
        _exit(7);
    }
    CHECK(waitpid((pid_t)pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    printf("child exited 7\n");
    pass("clone_untraced");
}
