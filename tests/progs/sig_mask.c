/* Signal masks: block, raise, sigpending, unblock delivers once; queued real-time signals; sigsuspend, sigtimedwait, signalfd. */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/signalfd.h>

static volatile sig_atomic_t usr1_hits, usr2_hits;
static volatile sig_atomic_t rt_vals[8];
static volatile sig_atomic_t rt_count;

static void on_usr(int sig)
{
    if (sig == SIGUSR1)
        usr1_hits++;
    else
        usr2_hits++;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (rt_count < 8)
        rt_vals[rt_count] = si->si_value.sival_int;
    rt_count++;
}

static sigset_t set_of(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    return s;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr;
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
    CHECK_SYS(sigaction(SIGUSR2, &sa, NULL));

    /* Blocked: raised twice, pending once, delivered once on unblock. */
    sigset_t usr1 = set_of(SIGUSR1), old, pend;
    CHECK_SYS(sigprocmask(SIG_BLOCK, &usr1, &old));
    CHECK(!sigismember(&old, SIGUSR1));
    CHECK(raise(SIGUSR1) == 0);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(usr1_hits == 0);
    CHECK_SYS(sigpending(&pend));
    CHECK(sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2));
    CHECK_SYS(sigprocmask(SIG_UNBLOCK, &usr1, NULL));
    CHECK(usr1_hits == 1);
    CHECK_SYS(sigpending(&pend));
    CHECK(!sigismember(&pend, SIGUSR1));
    printf("blocked SIGUSR1 delivered once on unblock\n");

    /* Real-time signals queue, with their values, in order. */
    int rt = SIGRTMIN + 1;
    struct sigaction rsa;
    memset(&rsa, 0, sizeof rsa);
    rsa.sa_sigaction = on_rt;
    rsa.sa_flags = SA_SIGINFO;
    CHECK_SYS(sigaction(rt, &rsa, NULL));
    sigset_t rts = set_of(rt);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &rts, NULL));
    for (int i = 1; i <= 3; i++) {
        union sigval v = { .sival_int = i * 10 };
        CHECK_SYS(sigqueue(getpid(), rt, v));
    }
    CHECK(rt_count == 0);
    CHECK_SYS(sigprocmask(SIG_UNBLOCK, &rts, NULL));
    CHECK(rt_count == 3);
    CHECK(rt_vals[0] == 10 && rt_vals[1] == 20 && rt_vals[2] == 30);
    printf("3 queued real-time signals delivered in order\n");

    /* SIG_SETMASK replaces and reports the mask. */
    sigset_t both = set_of(SIGUSR1), got;
    sigaddset(&both, SIGUSR2);
    CHECK_SYS(sigprocmask(SIG_SETMASK, &both, NULL));
    CHECK_SYS(sigprocmask(SIG_SETMASK, NULL, &got));
    CHECK(sigismember(&got, SIGUSR1) && sigismember(&got, SIGUSR2));
    /* SIGKILL and SIGSTOP cannot be blocked. */
    sigset_t all;
    sigfillset(&all);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &all, NULL));
    CHECK_SYS(sigprocmask(SIG_BLOCK, NULL, &got));
    CHECK(!sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP));
    CHECK_SYS(sigprocmask(SIG_SETMASK, &both, NULL));

    /* sigsuspend: a pending signal is delivered when the mask opens. */
    CHECK(raise(SIGUSR2) == 0);
    CHECK(usr2_hits == 0);
    sigset_t only1 = set_of(SIGUSR1);
    CHECK_ERR(sigsuspend(&only1), EINTR);
    CHECK(usr2_hits == 1);
    CHECK_SYS(sigprocmask(SIG_BLOCK, NULL, &got));
    CHECK(sigismember(&got, SIGUSR2));

    /* sigtimedwait takes a pending signal without running the handler. */
    CHECK(raise(SIGUSR1) == 0);
    siginfo_t si;
    struct timespec zero = { 0, 0 }, short_wait = { 0, 2000000 };
    CHECK(sigtimedwait(&usr1, &si, &zero) == SIGUSR1);
    CHECK(si.si_signo == SIGUSR1);
    CHECK(usr1_hits == 1);
    int64_t t0 = now_ns();
    CHECK_ERR(sigtimedwait(&usr1, &si, &short_wait), EAGAIN);
    CHECK(now_ns() - t0 >= 1500000);

    /* signalfd reads a blocked signal as data. */
    sigset_t usr2 = set_of(SIGUSR2);
    int sfd = signalfd(-1, &usr2, SFD_CLOEXEC | SFD_NONBLOCK);
    CHECK_SYS(sfd);
    struct signalfd_siginfo ssi;
    CHECK_ERR(read(sfd, &ssi, sizeof ssi), EAGAIN);
    CHECK(raise(SIGUSR2) == 0);
    CHECK(read(sfd, &ssi, sizeof ssi) == sizeof ssi);
    CHECK(ssi.ssi_signo == SIGUSR2);
    CHECK((pid_t)ssi.ssi_pid == getpid());
    CHECK(usr2_hits == 1);
    CHECK_SYS(close(sfd));

    /* Back to an empty mask: nothing left pending. */
    sigset_t none;
    sigemptyset(&none);
    CHECK_SYS(sigprocmask(SIG_SETMASK, &none, NULL));
    CHECK_SYS(sigpending(&pend));
    CHECK(!sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2));
    CHECK(usr1_hits == 1 && usr2_hits == 1);

    printf("sigsuspend, sigtimedwait and signalfd behaved\n");
    pass("sig_mask");
    return 0;
}
