/* compare: sorted */
/* repeat: 20 */
/* Threads: a pool of 8 workers takes 64 items from a mutex+condvar queue and prints each result in completion order. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

#define NTHREADS 8
#define NITEMS 64

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static int queue[NITEMS], qhead, qtail, closed;

static pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;
static long results[NITEMS];
static int done[NITEMS];

/* Collatz steps of a number derived from the item: cheap and deterministic. */
static long work(int n)
{
    unsigned long x = (unsigned long)n * 7919 + 27;
    long steps = 0;
    while (x != 1) {
        x = (x & 1) ? 3 * x + 1 : x / 2;
        steps++;
    }
    return steps * 1000 + n;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        CHECK_PT(pthread_mutex_lock(&qlock));
        while (qhead == qtail && !closed)
            CHECK_PT(pthread_cond_wait(&qcond, &qlock));
        if (qhead == qtail) {
            CHECK_PT(pthread_mutex_unlock(&qlock));
            return NULL;
        }
        int n = queue[qhead++];
        CHECK_PT(pthread_mutex_unlock(&qlock));

        long r = work(n);
        CHECK_PT(pthread_mutex_lock(&plock));
        printf("item %d result %ld\n", n, r);
        results[n] = r;
        done[n]++;
        CHECK_PT(pthread_mutex_unlock(&plock));
    }
}

int main(void)
{
    pthread_t th[NTHREADS];
    fflush(stdout);
    for (int i = 0; i < NTHREADS; i++)
        CHECK_PT(pthread_create(&th[i], NULL, worker, NULL));
    for (int n = 0; n < NITEMS; n++) {
        CHECK_PT(pthread_mutex_lock(&qlock));
        queue[qtail++] = n;
        CHECK_PT(pthread_cond_signal(&qcond));
        CHECK_PT(pthread_mutex_unlock(&qlock));
    }
    CHECK_PT(pthread_mutex_lock(&qlock));
    closed = 1;
    CHECK_PT(pthread_cond_broadcast(&qcond));
    CHECK_PT(pthread_mutex_unlock(&qlock));
    for (int i = 0; i < NTHREADS; i++)
        CHECK_PT(pthread_join(th[i], NULL));

    long total = 0;
    for (int n = 0; n < NITEMS; n++) {
        CHECK(done[n] == 1);
        CHECK(results[n] == work(n));
        total += results[n];
    }
    printf("total %ld over %d items\n", total, NITEMS);
    pass("thr_pool");
    return 0;
}
