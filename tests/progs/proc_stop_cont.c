/*
 * A parent stops, continues and ends its child at once, as a shell's
 * job control may: SIGSTOP then SIGCONT then SIGTERM, SIGSTOP then
 * SIGTERM then SIGCONT, and SIGSTOP seen by waitpid(WUNTRACED) before
 * SIGCONT and SIGTERM. The child dies of SIGTERM each time; none stays
 * stopped. Each order is tried 15 times: the signals race with the
 * child's start.
 */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/wait.h>

static pid_t sleeper(void)
{
    pid_t pid = fork();

    CHECK_SYS(pid);
    if (pid == 0) {
        sleep(30);
        _exit(3);
    }
    return pid;
}

static void expect_term(pid_t pid)
{
    int status;

    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

int main(void)
{
    for (int i = 0; i < 15; i++) {
        pid_t pid = sleeper();
        CHECK_SYS(kill(pid, SIGSTOP));
        CHECK_SYS(kill(pid, SIGCONT));
        CHECK_SYS(kill(pid, SIGTERM));
        expect_term(pid);

        pid = sleeper();
        CHECK_SYS(kill(pid, SIGSTOP));
        CHECK_SYS(kill(pid, SIGTERM));
        CHECK_SYS(kill(pid, SIGCONT));
        expect_term(pid);

        int status;
        pid = sleeper();
        CHECK_SYS(kill(pid, SIGSTOP));
        CHECK(waitpid(pid, &status, WUNTRACED) == pid);
        CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
        CHECK_SYS(kill(pid, SIGCONT));
        CHECK_SYS(kill(pid, SIGTERM));
        expect_term(pid);
    }
    printf("stopped, continued and ended 45 children\n");
    pass("proc_stop_cont");
    return 0;
}
