/* POSIX timers whose signal carries a pointer: a handler, sigwaitinfo, a signalfd read and a SIGEV_THREAD timer each find the pointer they gave. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>

static volatile sig_atomic_t handled, bad_value;
static int marker_a, marker_b, marker_c;
static int thread_value = 42;
static volatile int fired;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static void on_usr1(int s, siginfo_t *si, void *uc)
{
    (void)s;
    (void)uc;
    if (si->si_code != SI_TIMER || si->si_value.sival_ptr != &marker_a)
        bad_value = 1;
    handled++;
}

static void on_expiry(union sigval v)
{
    pthread_mutex_lock(&lock);
    fired = *(int *)v.sival_ptr;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
}

static timer_t timer_with(int notify, int signo, void *value)
{
    struct sigevent ev;
    timer_t t;

    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = notify;
    ev.sigev_signo = signo;
    ev.sigev_value.sival_ptr = value;
    if (notify == SIGEV_THREAD)
        ev.sigev_notify_function = on_expiry;
    CHECK_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t));
    return t;
}

static void arm(timer_t t, long ns)
{
    struct itimerspec its = { { 0, 0 }, { 0, ns } };
    CHECK_SYS(timer_settime(t, 0, &its, NULL));
}

int main(void)
{
    /* A handler gets the pointer its timer was made with. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
    timer_t a = timer_with(SIGEV_SIGNAL, SIGUSR1, &marker_a);
    arm(a, 5000000);
    while (!handled)
        pause();
    CHECK(!bad_value);
    CHECK_SYS(timer_delete(a));
    printf("handler: the timer's pointer\n");

    /* sigwaitinfo takes a blocked timer signal with its pointer. */
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &usr2, NULL));
    timer_t b = timer_with(SIGEV_SIGNAL, SIGUSR2, &marker_b);
    arm(b, 5000000);
    siginfo_t si;
    CHECK(sigwaitinfo(&usr2, &si) == SIGUSR2);
    CHECK(si.si_code == SI_TIMER && si.si_value.sival_ptr == &marker_b);
    CHECK_SYS(timer_delete(b));
    printf("sigwaitinfo: the timer's pointer\n");

    /* A signalfd read gives the pointer too. */
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN + 1);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &rt, NULL));
    int sfd = signalfd(-1, &rt, SFD_CLOEXEC);
    CHECK_SYS(sfd);
    timer_t d = timer_with(SIGEV_SIGNAL, SIGRTMIN + 1, &marker_c);
    arm(d, 5000000);
    struct signalfd_siginfo rec;
    CHECK(read(sfd, &rec, sizeof rec) == sizeof rec);
    CHECK(rec.ssi_code == SI_TIMER && rec.ssi_ptr == (uint64_t)(uintptr_t)&marker_c);
    CHECK_SYS(timer_delete(d));
    CHECK_SYS(close(sfd));
    printf("signalfd: the timer's pointer\n");

    /* A SIGEV_THREAD timer runs its function in a new thread with its value. */
    timer_t c = timer_with(SIGEV_THREAD, 0, &thread_value);
    arm(c, 5000000);
    pthread_mutex_lock(&lock);
    while (!fired)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    CHECK(fired == 42);
    CHECK_SYS(timer_delete(c));
    printf("SIGEV_THREAD: the function ran with its value\n");
    pass("timer_value");
    return 0;
}
