/* repeat: 5 */
/*
 * Processes racing for a lock in memory they share: a process-shared
 * mutex in an anonymous shared mapping, inherited across fork. Three
 * children take it 40 times each, now and then sleeping while they hold
 * it (so that the others wait for it), and each time write to /dev/null
 * as many bytes as their place in the order of takers: a call whose
 * arguments follow the order the processes took the lock in, which must
 * be the same in every variant. What is printed does not depend on it.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

struct shared {
    pthread_mutex_t lock;
    int taken;
    int by[3];
};

static void child(struct shared *sh, int k)
{
    static char buf[128];
    int null = open("/dev/null", O_WRONLY);

    CHECK(null >= 0);
    for (int i = 0; i < 40; i++) {
        int place;

        CHECK(pthread_mutex_lock(&sh->lock) == 0);
        place = sh->taken++;
        sh->by[k]++;
        if (i % 8 == k)
            usleep(200);
        CHECK(pthread_mutex_unlock(&sh->lock) == 0);
        CHECK(write(null, buf, (size_t)(place % 100) + 1) == place % 100 + 1);
    }
    _exit(0);
}

int main(void)
{
    pthread_mutexattr_t attr;
    struct shared *sh;
    int status;

    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    CHECK(pthread_mutexattr_init(&attr) == 0);
    CHECK(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutex_init(&sh->lock, &attr) == 0);
    for (int k = 0; k < 3; k++) {
        pid_t pid = fork();

        CHECK(pid >= 0);
        if (pid == 0)
            child(sh, k);
    }
    for (int k = 0; k < 3; k++) {
        CHECK(wait(&status) > 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    printf("taken %d times: %d %d %d\n", sh->taken, sh->by[0], sh->by[1], sh->by[2]);
    CHECK(sh->taken == 120);
    pass("proc_shared_lock");
    return 0;
}
