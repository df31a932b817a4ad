/* Threads: a mutex-protected counter, an _Atomic counter and a compare-and-swap counter from 4 threads; rwlock readers see a writer's updates whole. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

#define NTHREADS 4
#define ITERS 100000
#define NREADERS 2
#define WRITES 2000
#define READS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_count;
static _Atomic long atomic_count;
static _Atomic long cas_count;

static void *incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        CHECK_PT(pthread_mutex_lock(&lock));
        locked_count++;
        CHECK_PT(pthread_mutex_unlock(&lock));
        atomic_fetch_add(&atomic_count, 1);
        long old = atomic_load_explicit(&cas_count, memory_order_relaxed);
        while (!atomic_compare_exchange_weak(&cas_count, &old, old + 1))
            ;
    }
    return NULL;
}

/* The writer keeps a == b and a counting up; readers must never see them differ. */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long a, b;

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < WRITES; i++) {
        CHECK_PT(pthread_rwlock_wrlock(&rw));
        a++;
        b++;
        CHECK_PT(pthread_rwlock_unlock(&rw));
    }
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    long last = 0;
    for (int i = 0; i < READS; i++) {
        CHECK_PT(pthread_rwlock_rdlock(&rw));
        long x = a, y = b;
        CHECK_PT(pthread_rwlock_unlock(&rw));
        CHECK(x == y);
        CHECK(x >= last && x <= WRITES);
        last = x;
    }
    return (void *)(intptr_t)READS;
}

static void *try_locks(void *arg)
{
    (void)arg;
    /* Main holds a read lock: another reader gets in, a writer does not. */
    CHECK(pthread_rwlock_tryrdlock(&rw) == 0);
    CHECK_PT(pthread_rwlock_unlock(&rw));
    CHECK(pthread_rwlock_trywrlock(&rw) == EBUSY);
    return NULL;
}

int main(void)
{
    pthread_t th[NTHREADS], rt[NREADERS], wt;
    fflush(stdout);
    for (int i = 0; i < NTHREADS; i++)
        CHECK_PT(pthread_create(&th[i], NULL, incrementer, NULL));
    for (int i = 0; i < NTHREADS; i++)
        CHECK_PT(pthread_join(th[i], NULL));
    printf("mutex counter %ld\n", locked_count);
    printf("atomic counter %ld\n", atomic_load(&atomic_count));
    printf("cas counter %ld\n", atomic_load(&cas_count));
    CHECK(locked_count == (long)NTHREADS * ITERS);
    CHECK(atomic_count == (long)NTHREADS * ITERS);
    CHECK(cas_count == (long)NTHREADS * ITERS);

    CHECK_PT(pthread_rwlock_rdlock(&rw));
    pthread_t tt;
    CHECK_PT(pthread_create(&tt, NULL, try_locks, NULL));
    CHECK_PT(pthread_join(tt, NULL));
    CHECK_PT(pthread_rwlock_unlock(&rw));
    printf("rwlock shared by readers, closed to a writer\n");

    CHECK_PT(pthread_create(&wt, NULL, writer, NULL));
    for (int i = 0; i < NREADERS; i++)
        CHECK_PT(pthread_create(&rt[i], NULL, reader, NULL));
    long reads = 0;
    for (int i = 0; i < NREADERS; i++) {
        void *r;
        CHECK_PT(pthread_join(rt[i], &r));
        reads += (long)(intptr_t)r;
    }
    CHECK_PT(pthread_join(wt, NULL));
    CHECK(a == WRITES && b == WRITES);
    printf("rwlock reads %ld writes %ld consistent\n", reads, a);
    pass("thr_counter");
    return 0;
}
