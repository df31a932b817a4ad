/*
 * A parent kills its children with SIGKILL (as subprocess's time-out
 * does): a child sleeping, one blocked reading a pipe, one busy without
 * syscalls, and one whose threads sleep. Each dies of SIGKILL, as the
 * parent's waitpid sees.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static volatile unsigned long spins;

static void *sleeper(void *arg)
{
    (void)arg;
    sleep(30);
    return NULL;
}

static void child(int how, int ready)
{
    int p[2];
    char c = 'r';
    pthread_t t[3];

    CHECK_SYS(pipe(p));
    for (int i = 0; how == 3 && i < 3; i++)
        CHECK(pthread_create(&t[i], NULL, sleeper, NULL) == 0);
    CHECK(write(ready, &c, 1) == 1);
    switch (how) {
    case 0: sleep(30); break;
    case 1: CHECK(read(p[0], &c, 1) == 1); break;
    case 2: for (;;) spins++;
    case 3: sleep(30); break;
    }
    _exit(3);
}

int main(void)
{
    static const char *const what[] = { "sleeping", "reading a pipe", "busy", "with threads" };

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int how = 0; how < 4; how++) {
        int ready[2], status;
        char c;
        pid_t pid;

        CHECK_SYS(pipe(ready));
        pid = fork();
        CHECK_SYS(pid);
        if (pid == 0)
            child(how, ready[1]);
        CHECK(read(ready[0], &c, 1) == 1);
        usleep(100000);
        CHECK_SYS(kill(pid, SIGKILL));
        CHECK(waitpid(pid, &status, 0) == pid);
        printf("child %s: %s %d\n", what[how], WIFSIGNALED(status) ? "killed by signal" : "exited",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        close(ready[0]);
        close(ready[1]);
    }
    pass("proc_kill");
    return 0;
}
