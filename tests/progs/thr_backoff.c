/*
 * Threads that wait for each other in busy loops with a back-off counter,
 * without a syscall: the registers change every round, but the loops
 * write no memory. The main thread holds a lock word, starts a thread and
 * waits until that thread says it runs; the thread then waits for the
 * lock the main thread still holds, until the main thread lets it go.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

static atomic_int lock = 1, started, counter;

/* Waits until *word is want, pausing longer and longer between looks; returns the rounds waited. */
static unsigned long wait_for(atomic_int *word, int want)
{
    unsigned long rounds = 0, pause = 1;

    while (atomic_load_explicit(word, memory_order_acquire) != want) {
        for (unsigned long i = 0; i < pause; i++)
            __builtin_ia32_pause();
        if (pause < 4096)
            pause *= 2;
        rounds++;
    }
    return rounds;
}

static void *worker(void *arg)
{
    (void)arg;
    printf("worker runs\n");
    fflush(stdout);
    atomic_store(&started, 1);
    wait_for(&lock, 0); /* the main thread holds it */
    atomic_fetch_add(&counter, 1);
    return NULL;
}

int main(void)
{
    pthread_t t;

    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    wait_for(&started, 1);
    printf("main saw the worker start\n");
    fflush(stdout);
    atomic_fetch_add(&counter, 1);
    atomic_store(&lock, 0);
    CHECK(pthread_join(t, NULL) == 0);
    printf("counter %d\n", atomic_load(&counter));
    pass("thr_backoff");
    return 0;
}
