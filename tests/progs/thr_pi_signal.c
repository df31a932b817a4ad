/*
 * A signal for a thread waiting for a priority-inheritance mutex: the
 * thread runs its handler and goes on waiting (the kernel restarts
 * FUTEX_LOCK_PI); it gets the mutex only when its owner lets it go.
 * Both a signal from another thread (pthread_kill) and one from outside
 * the process (a timer's) are tried. Then a thread waiting on a condition
 * to be moved to a PI mutex (FUTEX_WAIT_REQUEUE_PI): a signal before the
 * move restarts the wait, one after ends it with EAGAIN; the main thread,
 * alone again, lets the mutex go with FUTEX_UNLOCK_PI (the word still
 * says it has waiters).
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/time.h>

static pthread_mutex_t m;
static atomic_int handled, got_lock, released;

static void on_signal(int sig)
{
    (void)sig;
    atomic_fetch_add(&handled, 1);
}

static void *worker(void *arg)
{
    (void)arg;
    CHECK(pthread_mutex_lock(&m) == 0);
    atomic_store(&got_lock, 1);
    if (!atomic_load(&released))
        printf("the worker got the mutex while main held it\n");
    CHECK(pthread_mutex_unlock(&m) == 0);
    return NULL;
}

static _Atomic uint32_t pi_word, cond_word;
static atomic_int requeue_ret = 1, requeue_errno;

static void *requeue_waiter(void *arg)
{
    long r;

    (void)arg;
    r = syscall(SYS_futex, &cond_word, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, NULL, &pi_word, 0);
    atomic_store(&requeue_errno, r < 0 ? errno : 0);
    atomic_store(&requeue_ret, (int)r);
    return NULL;
}

static void pause_ms(long ms)
{
    struct timespec ts = { 0, ms * 1000000L };

    while (nanosleep(&ts, &ts) != 0)
        CHECK(errno == EINTR);
}

int main(void)
{
    pthread_mutexattr_t a;
    struct sigaction sa = { .sa_handler = on_signal };
    struct itimerval it = { .it_value = { 0, 50000 } };
    pthread_t t;
    sigset_t block;

    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    CHECK(pthread_mutexattr_init(&a) == 0);
    CHECK(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT) == 0);
    CHECK(pthread_mutex_init(&m, &a) == 0);
    CHECK(pthread_mutex_lock(&m) == 0);
    CHECK(pthread_create(&t, NULL, worker, NULL) == 0);
    pause_ms(100); /* the worker waits for the mutex */
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    pause_ms(100);
    printf("after pthread_kill: handled %d, worker has the mutex: %d\n", atomic_load(&handled),
           atomic_load(&got_lock));

    /* SIGALRM, blocked here, goes to the worker */
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    CHECK(pthread_sigmask(SIG_BLOCK, &block, NULL) == 0);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    while (atomic_load(&handled) < 2)
        pause_ms(10);
    pause_ms(100);
    printf("after the timer: handled %d, worker has the mutex: %d\n", atomic_load(&handled),
           atomic_load(&got_lock));

    atomic_store(&released, 1);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    printf("worker has the mutex: %d\n", atomic_load(&got_lock));

    CHECK(pthread_sigmask(SIG_UNBLOCK, &block, NULL) == 0);
    atomic_store(&pi_word, (uint32_t)syscall(SYS_gettid)); /* the main thread holds it */
    CHECK(pthread_create(&t, NULL, requeue_waiter, NULL) == 0);
    pause_ms(100);
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    pause_ms(100);
    printf("a signal before the move: handled %d, returned %d\n", atomic_load(&handled),
           atomic_load(&requeue_ret));
    CHECK(syscall(SYS_futex, &cond_word, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 1, &pi_word, 0) == 1);
    CHECK(atomic_load(&pi_word) & FUTEX_WAITERS);
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    printf("a signal after: handled %d, returned %d, %s\n", atomic_load(&handled), atomic_load(&requeue_ret),
           strerror(atomic_load(&requeue_errno)));
    CHECK(syscall(SYS_futex, &pi_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0) == 0);
    CHECK(atomic_load(&pi_word) == 0);
    pass("thr_pi_signal");
    return 0;
}
