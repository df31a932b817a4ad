/* repeat: 5 */
/*
 * Two processes that share memory only through a name: each opens the
 * same POSIX semaphore after the fork, so they do not take turns. The
 * parent's second thread waits on it (in the kernel, since the other
 * process may post it), while the main thread goes on; the child posts
 * it twice, a while later. The thread must come back from its wait in
 * step in every variant.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/wait.h>

static sem_t *s;
static int got;

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
    CHECK(sem_unlink(name) == 0);
    printf("the thread got %d posts from the other process\n", got);
    CHECK(got == 2);
    pass("proc_shm_named");
    return 0;
}
