/* repeat: 20 */
/*
 * Robust mutexes: a thread that ends while it holds one leaves it to the
 * next taker with EOWNERDEAD, once while nobody waits for it and once
 * while the main thread is blocked on it (the end of the owner must wake
 * it); last, the main thread ends (pthread_exit) holding it, and the
 * thread waiting for it takes it over. The kernel finds such mutexes
 * through the list set_robust_list registered for the thread.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

static pthread_mutex_t lock;
static pthread_mutex_t ready = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held = PTHREAD_COND_INITIALIZER;
static int taken;

/* Takes the lock, says so, and ends without releasing it. */
static void *owner(void *arg)
{
    CHECK(pthread_mutex_lock(&lock) == 0);
    CHECK(pthread_mutex_lock(&ready) == 0);
    taken = 1;
    CHECK(pthread_cond_signal(&held) == 0);
    CHECK(pthread_mutex_unlock(&ready) == 0);
    if (arg)
        usleep(50000); /* the main thread is blocked on the lock meanwhile */
    return NULL;
}

/* One round: an owner dies holding the lock; the main thread takes it over. */
static void round_trip(int wait_while_held)
{
    pthread_t t;
    int r;

    taken = 0;
    CHECK(pthread_create(&t, NULL, owner, wait_while_held ? &taken : NULL) == 0);
    CHECK(pthread_mutex_lock(&ready) == 0);
    while (!taken)
        CHECK(pthread_cond_wait(&held, &ready) == 0);
    CHECK(pthread_mutex_unlock(&ready) == 0);
    if (!wait_while_held)
        CHECK(pthread_join(t, NULL) == 0);
    r = pthread_mutex_lock(&lock);
    printf("%s: lock returned %s\n", wait_while_held ? "waiting" : "after the end",
           r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "another error");
    CHECK(r == EOWNERDEAD);
    CHECK(pthread_mutex_consistent(&lock) == 0);
    CHECK(pthread_mutex_unlock(&lock) == 0);
    if (wait_while_held)
        CHECK(pthread_join(t, NULL) == 0);
    CHECK(pthread_mutex_lock(&lock) == 0);
    CHECK(pthread_mutex_unlock(&lock) == 0);
}

/* Waits for the lock the main thread holds as it ends. */
static void *heir(void *arg)
{
    int r = pthread_mutex_lock(&lock);

    (void)arg;
    printf("after main's end: lock returned %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "another error");
    CHECK(r == EOWNERDEAD);
    pass("thr_robust");
    exit(0);
}

int main(void)
{
    pthread_t t;

    pthread_mutexattr_t attr;

    CHECK(pthread_mutexattr_init(&attr) == 0);
    CHECK(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) == 0);
    CHECK(pthread_mutex_init(&lock, &attr) == 0);
    round_trip(0);
    round_trip(1);
    CHECK(pthread_mutex_lock(&lock) == 0);
    CHECK(pthread_create(&t, NULL, heir, NULL) == 0);
    usleep(20000); /* the heir blocks on the lock */
    pthread_exit(NULL);
}
