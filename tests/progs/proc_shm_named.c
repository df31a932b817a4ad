/* repeat: 5 */
/*
 * Two processes that share memory only through a name: each opens the
 * same POSIX semaphore after the fork, so they do not take turns. The
 * parent's second thread waits on it (in the kernel, since the other
 * process may post it), while the main thread goes on; the child posts
 * it twice, a while later. The thread must come back from its wait in
 * step in every variant. Then the thread waits again, and a signal the
 * main thread sends it (a handler, no SA_RESTART) ends the wait: EINTR.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/wait.h>

static sem_t *s;
static int got;
static volatile sig_atomic_t hits, over;

static void on_usr1(int sig)
{
    (void)sig;
    hits++;
}

/* Waits once more: a signal ends the wait. */
static void *interrupted(void *arg)
{
    int r = sem_wait(s);

    (void)arg;
    over = 1;
    printf("a signal ended the wait: %s\n", r == -1 && errno == EINTR ? "EINTR" : "not EINTR");
    CHECK(r == -1 && errno == EINTR && hits >= 1);
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++) {
        CHECK(sem_wait(s) == 0);
        got++;
    }
    return NULL;
}

int main(void)
{
    char name[64];
    pthread_t t;
    int status, ready[2];
    pid_t pid;
    char c;

    snprintf(name, sizeof name, "/chorus-shm-named-%d", (int)getpid());
    CHECK(pipe(ready) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(read(ready[0], &c, 1) == 1); /* the parent made it */
        s = sem_open(name, 0);
        CHECK(s != SEM_FAILED);
        usleep(30000);
        CHECK(sem_post(s) == 0);
        usleep(30000);
        CHECK(sem_post(s) == 0);
        _exit(0);
    }
    s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    CHECK(s != SEM_FAILED);
    CHECK(write(ready[1], "x", 1) == 1);
    CHECK(pthread_create(&t, NULL, waiter, NULL) == 0);
    for (int i = 0; i < 5; i++)
        usleep(5000);
    CHECK(pthread_join(t, NULL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("the thread got %d posts from the other process\n", got);
    CHECK(got == 2);
    {
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr1;
        CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
        CHECK(pthread_create(&t, NULL, interrupted, NULL) == 0);
        while (!over) { /* a signal that came before the wait does not end it */
            usleep(30000);
            int r = pthread_kill(t, SIGUSR1);

            CHECK(r == 0 || r == ESRCH); /* it may have just ended */
        }
        CHECK(pthread_join(t, NULL) == 0);
    }
    CHECK(sem_unlink(name) == 0);
    pass("proc_shm_named");
    return 0;
}
