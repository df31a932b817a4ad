/*
 * clone with CLONE_UNTRACED (LeakSanitizer makes its tracer so): the child
 * runs and ends as natively, followed by the monitor like any child.
 */
#define _GNU_SOURCE
#include "check.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* The child writes a line and exits with 7; the parent waits for it. */
static void child_and_wait(long pid, const char *how)
{
    int status;

    CHECK_SYS(pid);
    if (pid == 0) {
        static const char msg[] = "child runs\n";

        if (write(1, msg, sizeof msg - 1) != sizeof msg - 1)
            _exit(1);
        _exit(7);
    }
    CHECK(waitpid((pid_t)pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    printf("%s child exited 7\n", how);
}

int main(void)
{
    struct clone_args a = { .flags = CLONE_UNTRACED, .exit_signal = SIGCHLD };

    fflush(stdout);
    child_and_wait(syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, NULL, NULL, 0), "clone");
    fflush(stdout);
    child_and_wait(syscall(SYS_clone3, &a, sizeof a), "clone3");
    pass("clone_untraced");
}
