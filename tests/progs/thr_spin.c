/*
 * Threads that wait for each other in busy loops, without a syscall: the
 * main thread holds a spin lock, starts a thread and spins until that
 * thread says it runs; the thread then spins for the lock the main thread
 * still holds, until the main thread lets it go.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

static pthread_spinlock_t lock;
static atomic_int started, counter;

static void *worker(void *arg)
{
    (void)arg;
    printf("worker runs\n");
    fflush(stdout);
    atomic_store(&started, 1);
    CHECK(pthread_spin_lock(&lock) == 0); /* spins: the main thread holds it */
    atomic_fetch_add(&counter, 1);
    CHECK(pthread_spin_unlock(&lock) == 0);
    return NULL;
}

int main(void)
{
    pthread_t t;

    CHECK(pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE) == 0);
    CHECK(pthread_spin_lock(&lock) == 0);
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    while (!atomic_load(&started)) /* spins until the worker has run */
        ;
    printf("main saw the worker start\n");
    fflush(stdout);
    atomic_fetch_add(&counter, 1);
    CHECK(pthread_spin_unlock(&lock) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    printf("counter %d\n", atomic_load(&counter));
    pass("thr_spin");
    return 0;
}
