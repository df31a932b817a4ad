/* Threads and signals: pthread_kill runs the handler in the target thread; sigwait/sigwaitinfo in a dedicated thread take a process signal blocked everywhere. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

static volatile sig_atomic_t handler_tid, handler_hits;
static pid_t worker_tid;
static sem_t ready;

static void on_usr1(int sig)
{
    (void)sig;
    handler_tid = gettid();
    handler_hits++;
}

static void sem_wait_intr(sem_t *s)
{
    while (sem_wait(s) == -1)
        CHECK(errno == EINTR);
}

/* Blocks SIGUSR1 except while in sigsuspend, so the handler can only run there. */
static void *worker(void *arg)
{
    (void)arg;
    sigset_t set, during;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_PT(pthread_sigmask(SIG_BLOCK, &set, &during));
    sigdelset(&during, SIGUSR1);
    worker_tid = gettid();
    CHECK_SYS(sem_post(&ready));
    while (handler_hits == 0)
        CHECK_ERR(sigsuspend(&during), EINTR);
    CHECK(handler_tid == gettid());
    return NULL;
}

/* Takes SIGUSR2 twice: with sigwait, then with sigwaitinfo. */
static void *waiter(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    int sig = 0;
    CHECK_PT(sigwait(&set, &sig));
    CHECK(sig == SIGUSR2);
    CHECK_SYS(sem_post(&ready));
    siginfo_t si;
    int r;
    do
        r = sigwaitinfo(&set, &si);
    while (r == -1 && errno == EINTR);
    CHECK(r == SIGUSR2 && si.si_signo == SIGUSR2);
    CHECK(si.si_code == SI_QUEUE && si.si_pid == getpid());
    return (void *)(intptr_t)si.si_value.sival_int;
}

int main(void)
{
    pthread_t t;
    void *ret;
    CHECK_SYS(sem_init(&ready, 0, 0));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));

    /* SIGUSR2 blocked in every thread: main's mask is inherited. SIGUSR1 stays open in main. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK_PT(pthread_sigmask(SIG_BLOCK, &set, NULL));
    fflush(stdout);

    /* (a) pthread_kill of one worker: its handler runs there, not in main. */
    CHECK_PT(pthread_create(&t, NULL, worker, NULL));
    sem_wait_intr(&ready);
    CHECK_PT(pthread_kill(t, SIGUSR1));
    CHECK_PT(pthread_join(t, NULL));
    CHECK(handler_hits == 1);
    CHECK(handler_tid == worker_tid && handler_tid != gettid());
    printf("SIGUSR1 from pthread_kill handled once, in the target worker\n");

    /* (b) kill() to the process, taken by sigwait in the waiting thread. */
    CHECK_PT(pthread_create(&t, NULL, waiter, NULL));
    CHECK_SYS(kill(getpid(), SIGUSR2));
    sem_wait_intr(&ready);
    printf("sigwait got SIGUSR2\n");
    CHECK_SYS(sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 42 }));
    CHECK_PT(pthread_join(t, &ret));
    printf("sigwaitinfo got SIGUSR2 from sigqueue, value %d\n", (int)(intptr_t)ret);
    CHECK((intptr_t)ret == 42);

    sigset_t pending;
    CHECK_SYS(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2));
    CHECK(handler_hits == 1);
    pass("thr_signal");
    return 0;
}
