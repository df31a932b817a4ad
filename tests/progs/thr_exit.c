/* Threads: main calls pthread_exit; the worker joins it, prints last, and the process exits 0 when the worker returns. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

static pthread_t main_thread;

static void *worker(void *arg)
{
    (void)arg;
    /* The main thread is joinable like any other. */
    void *ret;
    CHECK_PT(pthread_join(main_thread, &ret));
    CHECK((intptr_t)ret == 7);
    struct timespec ts = { .tv_nsec = 20 * 1000000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
    CHECK(getpid() != gettid());
    printf("worker: main thread exited with 7, worker still running\n");
    pass("thr_exit");
    return NULL;
}

int main(void)
{
    main_thread = pthread_self();
    printf("main: starting worker, then pthread_exit\n");
    fflush(stdout);
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, worker, NULL));
    pthread_exit((void *)(intptr_t)7);
}
