/* repeat: 10 */
/*
 * Priority-inheritance mutexes (PTHREAD_PRIO_INHERIT), whose futex word
 * the kernel hands from owner to waiter (FUTEX_LOCK_PI, FUTEX_UNLOCK_PI):
 * four threads add to one counter under such a mutex, now and then
 * sleeping while they hold it, so that the others block on it; then a
 * timed lock that times out, and a trylock on a held mutex.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

static pthread_mutex_t lock;
static long counter;

static void *adder(void *arg)
{
    long k = (long)arg;

    for (int i = 0; i < 200; i++) {
        CHECK(pthread_mutex_lock(&lock) == 0);
        counter++;
        if (i % 50 == k)
            usleep(1000);
        CHECK(pthread_mutex_unlock(&lock) == 0);
    }
    return NULL;
}

static void *holder(void *arg)
{
    struct timespec ts;

    (void)arg;
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0);
    ts.tv_nsec += 20 * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK(pthread_mutex_trylock(&lock) == EBUSY);
    CHECK(pthread_mutex_timedlock(&lock, &ts) == ETIMEDOUT);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_t t[4];

    CHECK(pthread_mutexattr_init(&attr) == 0);
    CHECK(pthread_mutexattr_setprotocol(&attr, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutex_init(&lock, &attr) == 0);
    for (long k = 0; k < 4; k++)
        CHECK(pthread_create(&t[k], NULL, adder, (void *)k) == 0);
    for (int k = 0; k < 4; k++)
        CHECK(pthread_join(t[k], NULL) == 0);
    printf("counter %ld\n", counter);
    CHECK(counter == 800);
    CHECK(pthread_mutex_lock(&lock) == 0);
    CHECK(pthread_create(&t[0], NULL, holder, NULL) == 0);
    CHECK(pthread_join(t[0], NULL) == 0);
    CHECK(pthread_mutex_unlock(&lock) == 0);
    printf("a held mutex: trylock busy, timed lock timed out\n");
    pass("thr_pi");
    return 0;
}
