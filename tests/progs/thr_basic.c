/* Threads: values returned through pthread_join, __thread storage, detached threads, pthread_self/equal, distinct gettid, shared getpid. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

#define NWORK 4

static __thread long tls = 100;

static pthread_barrier_t all_alive;
static pthread_t selves[NWORK];
static pid_t tids[NWORK], pids[NWORK];
static int tls_ok[NWORK];

static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_done;
static long det_sum;

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    CHECK(tls == 100);
    tls = 1000 + i;
    selves[i] = pthread_self();
    tids[i] = gettid();
    pids[i] = getpid();
    /* All workers are alive at once here, so their tids cannot be reused. */
    int rc = pthread_barrier_wait(&all_alive);
    CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
    long sum = 0;
    for (long v = i * 1000L; v < (i + 1) * 1000L; v++)
        sum += v * v % 97;
    tls_ok[i] = tls == 1000 + i;
    return (void *)(intptr_t)sum;
}

static void *detached(void *arg)
{
    long sum = 0;
    for (long v = 1; v <= (long)(intptr_t)arg; v++)
        sum += v;
    CHECK_PT(pthread_mutex_lock(&det_lock));
    det_done++;
    det_sum += sum;
    CHECK_PT(pthread_cond_signal(&det_cond));
    CHECK_PT(pthread_mutex_unlock(&det_lock));
    return NULL;
}

int main(void)
{
    pthread_t main_self = pthread_self(), th[NWORK];
    pid_t main_tid = gettid();
    CHECK(main_tid == getpid());
    CHECK(pthread_equal(main_self, pthread_self()));
    tls = 7;
    fflush(stdout);

    CHECK_PT(pthread_barrier_init(&all_alive, NULL, NWORK));
    for (int i = 0; i < NWORK; i++)
        CHECK_PT(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i));

    /* One thread detached through its attributes, one with pthread_detach. */
    pthread_attr_t attr;
    CHECK_PT(pthread_attr_init(&attr));
    CHECK_PT(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
    int ds;
    CHECK_PT(pthread_attr_getdetachstate(&attr, &ds));
    CHECK(ds == PTHREAD_CREATE_DETACHED);
    pthread_t d1, d2;
    CHECK_PT(pthread_create(&d1, &attr, detached, (void *)(intptr_t)100));
    CHECK_PT(pthread_attr_destroy(&attr));
    CHECK_PT(pthread_create(&d2, NULL, detached, (void *)(intptr_t)1000));
    CHECK_PT(pthread_detach(d2));

    for (int i = 0; i < NWORK; i++) {
        void *ret;
        CHECK_PT(pthread_join(th[i], &ret));
        printf("thread %d sum %ld\n", i, (long)(intptr_t)ret);
    }
    CHECK_PT(pthread_barrier_destroy(&all_alive));

    for (int i = 0; i < NWORK; i++) {
        CHECK(tls_ok[i]);
        CHECK(pthread_equal(selves[i], th[i]));
        CHECK(!pthread_equal(selves[i], main_self));
        CHECK(pids[i] == getpid());
        CHECK(tids[i] != main_tid && tids[i] > 0);
        for (int j = 0; j < i; j++)
            CHECK(tids[i] != tids[j]);
    }
    CHECK(tls == 7);
    printf("tls, pthread_self, gettid and getpid as expected\n");

    CHECK_PT(pthread_mutex_lock(&det_lock));
    while (det_done < 2)
        CHECK_PT(pthread_cond_wait(&det_cond, &det_lock));
    long s = det_sum;
    CHECK_PT(pthread_mutex_unlock(&det_lock));
    printf("detached threads done 2 sum %ld\n", s);
    pass("thr_basic");
    return 0;
}
