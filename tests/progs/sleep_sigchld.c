/*
 * Waits with a time-out while children end, each sending SIGCHLD, which
 * the program ignores (the default): nanosleep, clock_nanosleep, poll,
 * ppoll, epoll_wait and sigtimedwait each return as natively (no EINTR)
 * after their whole time-out, and not much later: a wait made again
 * from its full length after each SIGCHLD would take 1.4 s or more.
 */
#define _GNU_SOURCE
#include "check.h"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define WAIT_MS 800
#define LATE_NS 1200000000LL /* the wait plus 0.4 s */

/* Four children ending 150, 300, 450 and 600 ms from now. */
static void children(void)
{
    for (int i = 1; i <= 4; i++) {
        pid_t p = fork();
        CHECK_SYS(p);
        if (p == 0) {
            struct timespec t = { 0, 150000000L * i };
            while (nanosleep(&t, &t) != 0)
                ;
            _exit(0);
        }
    }
}

static void reap(void)
{
    for (int i = 0; i < 4; i++)
        CHECK(wait(NULL) > 0);
}

static void timed(const char *what, long r, long want, int64_t t0)
{
    int64_t dt = now_ns() - t0;

    CHECK(r == want);
    CHECK(dt >= WAIT_MS * 1000000LL);
    CHECK(dt < LATE_NS);
    printf("%s: %ld, the whole time-out\n", what, r);
    reap();
}

int main(void)
{
    struct timespec ts = { 0, WAIT_MS * 1000000L };
    int p[2], ep;
    int64_t t0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    CHECK_SYS(pipe(p));
    ep = epoll_create1(0);
    CHECK_SYS(ep);

    children();
    t0 = now_ns();
    timed("nanosleep", syscall(SYS_nanosleep, &ts, NULL), 0, t0);

    children();
    t0 = now_ns();
    timed("clock_nanosleep", clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), 0, t0);

    children();
    t0 = now_ns();
    struct pollfd f = { p[0], POLLIN, 0 };
    timed("poll", poll(&f, 1, WAIT_MS), 0, t0);

    children();
    t0 = now_ns();
    struct timespec left = ts;
    timed("ppoll", ppoll(&f, 1, &left, NULL), 0, t0);

    children();
    t0 = now_ns();
    struct epoll_event ev;
    timed("epoll_wait", epoll_wait(ep, &ev, 1, WAIT_MS), 0, t0);

    children();
    t0 = now_ns();
    sigset_t usr1;
    siginfo_t si;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK_SYS(sigprocmask(SIG_BLOCK, &usr1, NULL));
    long r = sigtimedwait(&usr1, &si, &ts);
    CHECK(r < 0 && errno == EAGAIN);
    timed("sigtimedwait", r, -1, t0);
    pass("sleep_sigchld");
    return 0;
}
