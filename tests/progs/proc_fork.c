/* Processes: fork and wait in every order, children's pids and parents, exit statuses, zombies reaped. */
#define _GNU_SOURCE
#include "check.h"
#include <sys/wait.h>

int main(void)
{
    pid_t me = getpid(), kids[4];

    for (int i = 0; i < 4; i++) {
        kids[i] = fork();
        CHECK_SYS(kids[i]);
        if (kids[i] == 0) {
            /* the child: its own pid, its parent, an exit status of its own */
            CHECK(getppid() == me);
            CHECK(getpid() != me);
            _exit(10 + i);
        }
    }
    /* reap one by its pid, one with -1, the rest with waitid */
    int st;
    CHECK(waitpid(kids[2], &st, 0) == kids[2]);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 12);
    pid_t any = waitpid(-1, &st, 0);
    CHECK(any == kids[0] || any == kids[1] || any == kids[3]);
    int seen = 0;
    for (int i = 0; i < 4; i++)
        if (kids[i] == any)
            seen = i;
    CHECK(WEXITSTATUS(st) == 10 + seen);
    for (int n = 0; n < 2; n++) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        CHECK_SYS(waitid(P_ALL, 0, &si, WEXITED));
        CHECK(si.si_code == CLD_EXITED && si.si_status >= 10 && si.si_status <= 13);
    }
    CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
    printf("4 children forked and reaped with their statuses\n");

    /* a child killed by a signal */
    pid_t k = fork();
    CHECK_SYS(k);
    if (k == 0) {
        pause();
        _exit(0);
    }
    CHECK_SYS(kill(k, SIGTERM));
    CHECK(waitpid(k, &st, 0) == k);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    printf("child killed by SIGTERM\n");
    pass("proc_fork");
    return 0;
}
