/*
 * Threads that wait for each other in busy loops that count their rounds
 * in memory, as a build without optimisation keeps a counter: on the
 * stack of the main thread, then on a worker's own stack. Each loop
 * writes memory at every round, and only its own thread's stack.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

static atomic_int started, lock_held = 1;

static void *worker(void *arg)
{
    volatile unsigned long rounds = 0;

    (void)arg;
    printf("worker runs\n");
    fflush(stdout);
    atomic_store(&started, 1);
    while (atomic_load(&lock_held)) /* the main thread lets go after it saw us */
        rounds++;
    printf("worker saw the lock let go\n");
    return NULL;
}

int main(void)
{
    volatile unsigned long rounds = 0;
    pthread_t t;

    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    while (!atomic_load(&started)) /* the worker's printf is a syscall: the turn may pass only here */
        rounds++;
    printf("main saw the worker start\n");
    fflush(stdout);
    atomic_store(&lock_held, 0);
    CHECK(pthread_join(t, NULL) == 0);
    pass("thr_spin_stack");
    return 0;
}
