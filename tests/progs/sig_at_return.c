/*
 * A SIGCHLD handler runs as the wait that reaped the child returns,
 * before the program's next step: the kernel queues the signal before
 * it wakes the waiter, and takes it on the way back to the program.
 * Each wait here checks that the handler has run, with the child's pid
 * and status in its siginfo, before the next statement.
 */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t handled;
static volatile pid_t last_pid;
static volatile int last_status;

static void on_chld(int s, siginfo_t *si, void *uc)
{
    (void)s;
    (void)uc;
    handled++;
    last_pid = si->si_pid;
    last_status = si->si_status;
}

static pid_t child(int status)
{
    pid_t p = fork();

    CHECK_SYS(p);
    if (p == 0)
        _exit(status);
    return p;
}

static void after_wait(const char *how, int round, pid_t p, int before)
{
    CHECK(handled == before + 1);
    CHECK(last_pid == p);
    CHECK(last_status == round);
    printf("%s %d: the handler ran before the wait returned\n", how, round);
}

int main(void)
{
    struct sigaction sa;

    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK_SYS(sigaction(SIGCHLD, &sa, NULL));
    for (int i = 0; i < 4; i++) {
        int before = handled, st;
        pid_t p = child(i);

        CHECK(waitpid(p, &st, 0) == p);
        after_wait("waitpid", i, p, before);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == i);
    }
    for (int i = 4; i < 8; i++) {
        int before = handled;
        pid_t p = child(i);
        siginfo_t si;

        memset(&si, 0, sizeof(si));
        CHECK_SYS(waitid(P_PID, (id_t)p, &si, WEXITED));
        after_wait("waitid", i, p, before);
        CHECK(si.si_pid == p && si.si_status == i);
    }
    pass("sig_at_return");
    return 0;
}
