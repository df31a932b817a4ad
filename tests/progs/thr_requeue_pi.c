/*
 * A condition variable on a priority-inheritance mutex, made of raw
 * futex calls as glibc once made it: waiters sleep with
 * FUTEX_WAIT_REQUEUE_PI and wake owning the mutex; signals and
 * broadcasts move them onto it with FUTEX_CMP_REQUEUE_PI. Four consumer
 * threads take 2,000 items from a producer; before, the calls' errors and
 * a time-out, with and without another thread.
 */
#define _GNU_SOURCE
#include "check.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define CONSUMERS 4
#define ITEMS 2000

static _Atomic uint32_t lock_word; /* PI: the owner's tid, FUTEX_WAITERS */
static _Atomic uint32_t cond_seq;
static int queue[ITEMS], head, tail, done, inside;
static long taken_sum;
static int taken_by[CONSUMERS];

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const void *t, _Atomic uint32_t *addr2,
                  uint32_t val3)
{
    return syscall(SYS_futex, addr, op | FUTEX_PRIVATE_FLAG, val, t, addr2, val3);
}

static uint32_t tid(void)
{
    return (uint32_t)syscall(SYS_gettid);
}

static void enter(void)
{
    CHECK(!inside);
    inside = 1;
}

static void leave(void)
{
    inside = 0;
}

static void lock(void)
{
    uint32_t free_word = 0;

    if (!atomic_compare_exchange_strong(&lock_word, &free_word, tid()))
        while (futex(&lock_word, FUTEX_LOCK_PI, 0, NULL, NULL, 0) != 0)
            CHECK(errno == EINTR || errno == EAGAIN);
    CHECK((atomic_load(&lock_word) & FUTEX_TID_MASK) == tid());
    enter();
}

static void unlock(void)
{
    uint32_t mine = tid();

    leave();
    if (!atomic_compare_exchange_strong(&lock_word, &mine, 0))
        CHECK(futex(&lock_word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) == 0);
}

/* Called with the mutex held; returns with it held. */
static void cond_wait(void)
{
    uint32_t seq = atomic_load(&cond_seq);

    unlock();
    if (futex(&cond_seq, FUTEX_WAIT_REQUEUE_PI, seq, NULL, &lock_word, 0) == 0) {
        CHECK((atomic_load(&lock_word) & FUTEX_TID_MASK) == tid()); /* woken owning the mutex */
        enter();
    } else {
        CHECK(errno == EAGAIN || errno == EINTR);
        lock();
    }
}

static void cond_wake(int all)
{
    uint32_t seq = atomic_fetch_add(&cond_seq, 1) + 1;

    CHECK(futex(&cond_seq, FUTEX_CMP_REQUEUE_PI, 1, (void *)(long)(all ? INT_MAX : 0), &lock_word, seq) >= 0);
}

static void *consumer(void *arg)
{
    int me = (int)(long)arg;

    lock();
    for (;;) {
        while (head == tail && !done)
            cond_wait();
        if (head == tail)
            break;
        taken_sum += queue[head++];
        taken_by[me]++;
    }
    unlock();
    return NULL;
}

static void errors(void)
{
    _Atomic uint32_t other = 0;
    struct timespec ts;

    errno = 0;
    CHECK(futex(&cond_seq, FUTEX_WAIT_REQUEUE_PI, atomic_load(&cond_seq) + 1, NULL, &other, 0) == -1 &&
          errno == EAGAIN);
    CHECK(futex(&cond_seq, FUTEX_WAIT_REQUEUE_PI, atomic_load(&cond_seq), NULL, &cond_seq, 0) == -1 &&
          errno == EINVAL);
    CHECK(futex(&cond_seq, FUTEX_CMP_REQUEUE_PI, 2, 0, &other, atomic_load(&cond_seq)) == -1 && errno == EINVAL);
    CHECK(futex(&cond_seq, FUTEX_CMP_REQUEUE_PI, 1, 0, &other, atomic_load(&cond_seq) + 1) == -1 &&
          errno == EAGAIN);
    CHECK(futex(&cond_seq, FUTEX_CMP_REQUEUE_PI, 1, 0, &other, atomic_load(&cond_seq)) == 0); /* no waiter */
    CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    ts.tv_nsec += 50000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    CHECK(futex(&cond_seq, FUTEX_WAIT_REQUEUE_PI, atomic_load(&cond_seq), &ts, &other, 0) == -1 &&
          errno == ETIMEDOUT);
    CHECK(atomic_load(&other) == 0);
    printf("errors as the kernel gives them\n");
}

/* Waits until the main thread writes a byte. */
static void *idle(void *arg)
{
    char c;

    CHECK(read(*(int *)arg, &c, 1) == 1);
    return NULL;
}

int main(void)
{
    pthread_t t[CONSUMERS], idler;
    long want = 0;
    int p[2];

    errors(); /* alone */
    CHECK(pipe(p) == 0);
    CHECK(pthread_create(&idler, NULL, idle, &p[0]) == 0);
    errors(); /* with another thread */
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(pthread_join(idler, NULL) == 0);
    for (long i = 0; i < CONSUMERS; i++)
        CHECK(pthread_create(&t[i], NULL, consumer, (void *)i) == 0);
    for (int i = 0; i < ITEMS; i++) {
        lock();
        queue[tail++] = i + 1;
        want += i + 1;
        unlock();
        cond_wake(i % 3 == 0);
    }
    lock();
    done = 1;
    unlock();
    cond_wake(1);
    for (int i = 0; i < CONSUMERS; i++)
        CHECK(pthread_join(t[i], NULL) == 0);
    int total = 0;
    for (int i = 0; i < CONSUMERS; i++)
        total += taken_by[i];
    printf("items taken: %d, sum %ld (want %ld)\n", total, taken_sum, want);
    CHECK(total == ITEMS && taken_sum == want);
    CHECK(atomic_load(&lock_word) == 0);
    pass("thr_requeue_pi");
    return 0;
}
