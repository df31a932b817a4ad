/* Signal handlers: sigaction with SA_SIGINFO, raise/kill/tgkill, mask during handler, SA_RESETHAND, SIG_IGN, sigaltstack. */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/syscall.h>

static volatile sig_atomic_t hits, last_sig, last_code, blocked_inside, last_pid;
static volatile uintptr_t handler_sp;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    int local;
    hits++;
    last_sig = si->si_signo == sig ? sig : -1;
    last_code = si->si_code;
    last_pid = si->si_pid;
    handler_sp = (uintptr_t)&local;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    blocked_inside = sigismember(&cur, sig);
    static const char msg[] = "handler ran\n";
    ssize_t r = write(1, msg, sizeof msg - 1);
    (void)r;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
    CHECK_SYS(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_sigaction == on_signal && (old.sa_flags & SA_SIGINFO));

    /* raise delivers synchronously, via tgkill. */
    printf("raising SIGUSR1\n");
    CHECK(raise(SIGUSR1) == 0);
    CHECK(hits == 1);
    CHECK(last_sig == SIGUSR1);
    CHECK(last_code == SI_TKILL);
    CHECK(last_pid == getpid());
    CHECK(blocked_inside == 1);

    /* kill to ourselves: SI_USER. */
    CHECK_SYS(kill(getpid(), SIGUSR1));
    CHECK(hits == 2 && last_code == SI_USER && last_pid == getpid());
    CHECK_SYS(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
    CHECK(hits == 3 && last_code == SI_TKILL);

    /* The mask is restored after the handler. */
    sigset_t now;
    CHECK_SYS(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(!sigismember(&now, SIGUSR1));

    /* SA_RESETHAND: one delivery, then back to the default. */
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    CHECK_SYS(sigaction(SIGUSR2, &sa, NULL));
    CHECK(raise(SIGUSR2) == 0);
    CHECK(hits == 4 && last_sig == SIGUSR2);
    CHECK_SYS(sigaction(SIGUSR2, NULL, &old));
    CHECK(old.sa_handler == SIG_DFL);

    /* SIG_IGN: nothing happens. */
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    CHECK_SYS(sigaction(SIGUSR1, &sa, &old));
    CHECK(old.sa_sigaction == on_signal);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(hits == 4);

    /* A handler on an alternate stack. */
    static char altstack[64 * 1024];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    CHECK_SYS(sigaltstack(&ss, NULL));
    stack_t cur_ss;
    CHECK_SYS(sigaltstack(NULL, &cur_ss));
    CHECK(cur_ss.ss_sp == altstack && cur_ss.ss_size == sizeof altstack && cur_ss.ss_flags == 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
    CHECK(raise(SIGUSR1) == 0);
    CHECK(hits == 5);
    CHECK(handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack);

    /* Invalid signal numbers. */
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(kill(getpid(), 1000), EINVAL);

    printf("handler ran 5 times\n");
    pass("sig_handler");
    return 0;
}
