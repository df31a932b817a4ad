/* Threads: pthread_cancel of threads blocked in pthread_cond_wait (cleanup handler unlocks), read() on an empty pipe and a 10 s nanosleep. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;

/* What the threads saw: set by cleanup handlers, or when a call returned. */
static _Atomic int cond_cleanup, read_cleanup, sleep_cleanup, returned;

static void cond_cleanup_fn(void *arg)
{
    (void)arg;
    /* pthread_cond_wait relocks the mutex before acting on the cancel. */
    CHECK(pthread_mutex_trylock(&m) == EBUSY);
    CHECK_PT(pthread_mutex_unlock(&m));
    atomic_store(&cond_cleanup, 1);
}

static void *cond_waiter(void *arg)
{
    (void)arg;
    CHECK_PT(pthread_mutex_lock(&m));
    pthread_cleanup_push(cond_cleanup_fn, NULL);
    ready = 1;
    CHECK_PT(pthread_cond_signal(&ready_cond));
    for (;;) /* nobody signals "never" */
        CHECK_PT(pthread_cond_wait(&never, &m));
    pthread_cleanup_pop(0);
    return NULL;
}

static void set_flag(void *flag)
{
    atomic_store((_Atomic int *)flag, 1);
}

static void *reader(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char c;
    pthread_cleanup_push(set_flag, &read_cleanup);
    ssize_t n = read(fd, &c, 1);
    (void)n;
    atomic_store(&returned, 1);
    pthread_cleanup_pop(0);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    struct timespec ts = { .tv_sec = 10 };
    pthread_cleanup_push(set_flag, &sleep_cleanup);
    nanosleep(&ts, NULL);
    atomic_store(&returned, 1);
    pthread_cleanup_pop(0);
    return NULL;
}

static void pause_ms(long ms)
{
    struct timespec ts = { .tv_nsec = ms * 1000000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

int main(void)
{
    pthread_t t;
    void *ret;
    fflush(stdout);

    /* (a) Blocked in pthread_cond_wait: once main owns the mutex after "ready", the thread waits. */
    CHECK_PT(pthread_create(&t, NULL, cond_waiter, NULL));
    CHECK_PT(pthread_mutex_lock(&m));
    while (!ready)
        CHECK_PT(pthread_cond_wait(&ready_cond, &m));
    CHECK_PT(pthread_mutex_unlock(&m));
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == PTHREAD_CANCELED);
    CHECK(atomic_load(&cond_cleanup) == 1);
    CHECK(pthread_mutex_trylock(&m) == 0);
    CHECK_PT(pthread_mutex_unlock(&m));
    printf("cond_wait: canceled, cleanup handler ran and unlocked the mutex\n");

    /* (b) Blocked in read() on an empty pipe. */
    int p[2];
    CHECK_SYS(pipe(p));
    CHECK_PT(pthread_create(&t, NULL, reader, (void *)(intptr_t)p[0]));
    pause_ms(10);
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == PTHREAD_CANCELED);
    CHECK(atomic_load(&read_cleanup) == 1);
    CHECK(atomic_load(&returned) == 0);
    CHECK_SYS(close(p[0]));
    CHECK_SYS(close(p[1]));
    printf("read: canceled, cleanup handler ran\n");

    /* (c) In a 10 s nanosleep: the cancel must not wait for the sleep to end. */
    CHECK_PT(pthread_create(&t, NULL, sleeper, NULL));
    pause_ms(10);
    int64_t t0 = now_ns();
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    int64_t took = now_ns() - t0;
    CHECK(ret == PTHREAD_CANCELED);
    CHECK(atomic_load(&sleep_cleanup) == 1);
    CHECK(atomic_load(&returned) == 0);
    CHECK(took < 5 * 1000000000LL);
    printf("nanosleep: canceled promptly, cleanup handler ran\n");

    /* A cancel sent at once, maybe before the thread runs, acts at its first cancellation point. */
    CHECK_PT(pthread_create(&t, NULL, sleeper, NULL));
    CHECK_PT(pthread_cancel(t));
    CHECK_PT(pthread_join(t, &ret));
    CHECK(ret == PTHREAD_CANCELED);
    CHECK(atomic_load(&returned) == 0);
    printf("early cancel: canceled\n");
    pass("thr_cancel");
    return 0;
}
