/*
 * A background thread woken after a count drawn from an address, as
 * jemalloc wakes its purging thread: the main thread signals a condition
 * variable after a number of calls that depends on where its thread-local
 * data lies, so each variant wakes the thread at another point, and some
 * variants more often than others. The woken thread gives back pages of
 * its own buffer and sleeps again, with a time-out in some variants and
 * without in others; nothing it does reaches the outside.
 * What the program prints does not depend on the wakes.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

/* repeat: 5 */

#define ROUNDS 400

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int pending, quit;
static _Thread_local char mark;
static char *pages;

/* Sleeps until woken; with a time-out (far off) in some variants only, as jemalloc's thread may. */
static void sleep_on(const struct timespec *until)
{
    if (until)
        CHECK_PT(pthread_cond_timedwait(&wake, &lock, until));
    else
        CHECK_PT(pthread_cond_wait(&wake, &lock));
}

static void *purger(void *arg)
{
    struct timespec until;
    int timed = (int)(((uintptr_t)&arg >> 32) & 1);

    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &until));
    until.tv_sec += 60;
    CHECK_PT(pthread_mutex_lock(&lock));
    while (!quit) {
        while (!pending && !quit)
            sleep_on(timed ? &until : NULL);
        pending = 0;
        CHECK_PT(pthread_mutex_unlock(&lock));
        CHECK_SYS(madvise(pages, 4 * 4096, MADV_DONTNEED));
        CHECK_PT(pthread_mutex_lock(&lock));
    }
    CHECK_PT(pthread_mutex_unlock(&lock));
    return NULL;
}

/* Calls until the next wake: 2 to 17, from the address of this thread's data. */
static int next_count(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return 2 + (int)((*seed >> 16) % 16);
}

int main(void)
{
    uint64_t at = (uintptr_t)&mark;
    unsigned seed = (unsigned)(at >> 32) ^ (unsigned)(at >> 12);
    int left = next_count(&seed);
    long sum = 0;
    pthread_t t;

    pages = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(pages != MAP_FAILED);
    CHECK_PT(pthread_create(&t, NULL, purger, NULL));
    for (int i = 0; i < ROUNDS; i++) {
        sum += getppid() > 0; /* calls every variant makes; the sleep lets the thread run */
        CHECK_SYS(usleep(50));
        pages[i % (4 * 4096)] = 1;
        if (--left == 0) {
            left = next_count(&seed);
            CHECK_PT(pthread_mutex_lock(&lock));
            pending = 1;
            CHECK_PT(pthread_cond_signal(&wake));
            CHECK_PT(pthread_mutex_unlock(&lock));
        }
    }
    CHECK_PT(pthread_mutex_lock(&lock));
    quit = 1;
    CHECK_PT(pthread_cond_broadcast(&wake));
    CHECK_PT(pthread_mutex_unlock(&lock));
    CHECK_PT(pthread_join(t, NULL));
    printf("rounds %d, calls made %ld\n", ROUNDS, sum);
    pass("thr_lone_wake");
    return 0;
}
