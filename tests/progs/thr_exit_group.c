/* Threads: a worker calls exit(3) while main is blocked in pthread_join on it; the whole process ends with status 3. */
/* repeat: 20 */
/* status: 3 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

static void *worker(void *arg)
{
    (void)arg;
    CHECK(getpid() != gettid());
    printf("worker: exiting the process with status 3\n");
    pass("thr_exit_group");
    exit(3);
}

int main(void)
{
    printf("main: joining the worker\n");
    fflush(stdout);
    pthread_t t;
    int rc = pthread_create(&t, NULL, worker, NULL);
    CHECK(rc == 0);
    pthread_join(t, NULL);
    /* Never reached: the worker's exit ends every thread. */
    fprintf(stderr, "FAIL: pthread_join returned\n");
    return 1;
}
