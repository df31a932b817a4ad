/*
 * Readiness on a pipe with poll, ppoll, select and pselect, including short timeouts and hang-up;
 * revents left holding whatever was there (here bits of a stack address) before poll.
 */
#define _GNU_SOURCE
#include "check.h"

#include <poll.h>
#include <signal.h>
#include <sys/select.h>

int main(void)
{
    int p[2];
    CHECK_SYS(pipe(p));
    char c;

    /* poll: nothing to read yet, write end writable. */
    struct pollfd pf[2] = { { .fd = p[0], .events = POLLIN }, { .fd = p[1], .events = POLLOUT } };
    CHECK(poll(pf, 2, 0) == 1);
    CHECK(pf[0].revents == 0 && pf[1].revents == POLLOUT);
    CHECK(write(p[1], "x", 1) == 1);
    pf[0].revents = (short)((uintptr_t)&c >> 4);
    CHECK(poll(pf, 1, 1000) == 1 && pf[0].revents == POLLIN);
    CHECK(read(p[0], &c, 1) == 1);

    /* poll with a 5 ms timeout waits about that long. */
    int64_t t0 = now_ns();
    CHECK(poll(pf, 1, 5) == 0);
    int64_t dt = now_ns() - t0;
    CHECK(dt >= 4000000);

    /* ppoll with a timespec and a signal mask. */
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    struct timespec ts = { 0, 3000000 };
    t0 = now_ns();
    CHECK(ppoll(pf, 1, &ts, &mask) == 0);
    CHECK(now_ns() - t0 >= 2500000);
    CHECK(write(p[1], "yz", 2) == 2);
    ts.tv_nsec = 0;
    CHECK(ppoll(pf, 1, &ts, NULL) == 1 && (pf[0].revents & POLLIN));

    /* Negative descriptors are ignored; a closed one reports POLLNVAL. */
    struct pollfd odd[2] = { { .fd = -1, .events = POLLIN }, { .fd = 999, .events = POLLIN } };
    CHECK(poll(odd, 2, 0) == 1);
    CHECK(odd[0].revents == 0 && odd[1].revents == POLLNVAL);

    /* select: data pending from above is readable. */
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = { 0, 0 };
    int nfds = (p[0] > p[1] ? p[0] : p[1]) + 1;
    CHECK(select(nfds, &rd, &wr, NULL, &tv) == 2);
    CHECK(FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr));
    char two[2];
    CHECK(read(p[0], two, 2) == 2 && two[0] == 'y' && two[1] == 'z');

    /* select times out and updates the timeval on Linux. */
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv.tv_sec = 0;
    tv.tv_usec = 3000;
    t0 = now_ns();
    CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == 0);
    CHECK(now_ns() - t0 >= 2500000);
    CHECK(!FD_ISSET(p[0], &rd));
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);

    /* pselect with a mask. */
    CHECK(write(p[1], "w", 1) == 1);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    ts.tv_sec = 1;
    ts.tv_nsec = 0;
    CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &mask) == 1);
    CHECK(read(p[0], &c, 1) == 1 && c == 'w');
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);

    /* Closing the write end: POLLHUP on the read end. */
    CHECK_SYS(close(p[1]));
    pf[0].revents = 0;
    CHECK(poll(pf, 1, 100) == 1 && (pf[0].revents & POLLHUP));
    CHECK_SYS(close(p[0]));

    printf("poll/select checks passed\n");
    pass("poll_select");
    return 0;
}
