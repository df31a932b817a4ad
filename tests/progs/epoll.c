/* epoll on pipes: create1, ctl ADD/MOD/DEL, wait/pwait with timeouts, user data, edge-triggered mode. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>

int main(void)
{
    int p[2], q[2];
    CHECK_SYS(pipe2(p, O_NONBLOCK));
    CHECK_SYS(pipe2(q, O_NONBLOCK));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK_SYS(ep);
    CHECK(fcntl(ep, F_GETFD) == FD_CLOEXEC);

    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    ev.data.u64 = 43;
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);

    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    int64_t t0 = now_ns();
    CHECK(epoll_wait(ep, out, 4, 4) == 0);
    CHECK(now_ns() - t0 >= 3500000);

    /* Data on q only: exactly its user data comes back. */
    CHECK(write(q[1], "q", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 1000) == 1);
    CHECK(out[0].data.u64 == 43 && (out[0].events & EPOLLIN));

    /* Level-triggered: still ready until read. */
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    char c;
    CHECK(read(q[0], &c, 1) == 1 && c == 'q');
    CHECK(epoll_wait(ep, out, 4, 0) == 0);

    /* Both ready. */
    CHECK(write(p[1], "p", 1) == 1);
    CHECK(write(q[1], "q", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 2);
    uint64_t sum = out[0].data.u64 + out[1].data.u64;
    CHECK(sum == 85);

    /* MOD to edge-triggered: reported once per new arrival. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 7;
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL), ENOENT);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.u64 == 7);
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    CHECK(write(p[1], "p", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 2);

    /* epoll_pwait with a signal mask, then hang-up on close. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    ev.events = EPOLLIN;
    ev.data.u64 = 9;
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK(epoll_pwait(ep, out, 4, 2, &mask) == 0);
    CHECK_SYS(close(p[1]));
    CHECK(epoll_pwait(ep, out, 4, 100, &mask) == 1);
    CHECK(out[0].data.u64 == 9 && (out[0].events & EPOLLHUP));

    CHECK_SYS(close(p[0]));
    CHECK_SYS(close(q[0]));
    CHECK_SYS(close(q[1]));
    CHECK_SYS(close(ep));
    printf("epoll checks passed\n");
    pass("epoll");
    return 0;
}
