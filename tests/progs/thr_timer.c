/* Threads: a timer_create(SIGEV_THREAD_ID) timer signals one chosen worker thread, whose handler runs there. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

static volatile sig_atomic_t handler_tid;
static _Atomic pid_t worker_tid;

static void on_alarm(int sig)
{
    (void)sig;
    handler_tid = gettid();
}

static void *worker(void *arg)
{
    (void)arg;
    atomic_store(&worker_tid, gettid());
    while (!handler_tid) {
        struct timespec ts = { 0, 1000000 };
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    struct sigevent ev;
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    pthread_t t;
    timer_t timer;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
    fflush(stdout);
    CHECK_PT(pthread_create(&t, NULL, worker, NULL));
    while (!atomic_load(&worker_tid))
        sched_yield();
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGALRM;
    ev._sigev_un._tid = atomic_load(&worker_tid);
    CHECK_SYS(timer_create(CLOCK_MONOTONIC, &ev, &timer));
    CHECK_SYS(timer_settime(timer, 0, &its, NULL));
    CHECK_PT(pthread_join(t, NULL));
    CHECK(handler_tid == atomic_load(&worker_tid) && handler_tid != gettid());
    CHECK_SYS(timer_delete(timer));
    printf("SIGALRM from a SIGEV_THREAD_ID timer handled in the chosen worker\n");
    pass("thr_timer");
    return 0;
}
