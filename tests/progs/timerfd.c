/* timerfd with short timeouts: one-shot, periodic, absolute, non-blocking reads, gettime, disarm, poll. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>

static struct itimerspec its(long value_ns, long interval_ns)
{
    struct itimerspec t = {
        .it_value = { value_ns / 1000000000, value_ns % 1000000000 },
        .it_interval = { interval_ns / 1000000000, interval_ns % 1000000000 },
    };
    return t;
}

int main(void)
{
    uint64_t exp;
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK_SYS(tfd);
    CHECK(fcntl(tfd, F_GETFD) == FD_CLOEXEC);

    /* Disarmed timer reports zero. */
    struct itimerspec cur;
    CHECK_SYS(timerfd_gettime(tfd, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);

    /* One-shot relative 5 ms: blocking read returns one expiration. */
    struct itimerspec t = its(5000000, 0);
    int64_t t0 = now_ns();
    CHECK_SYS(timerfd_settime(tfd, 0, &t, NULL));
    CHECK_SYS(timerfd_gettime(tfd, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 5000000);
    CHECK(read(tfd, &exp, sizeof exp) == sizeof exp);
    CHECK(exp == 1);
    CHECK(now_ns() - t0 >= 5000000);
    CHECK_SYS(timerfd_gettime(tfd, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
    CHECK_ERR(read(tfd, &exp, 4), EINVAL);

    /* Non-blocking: EAGAIN before expiry, poll waits for it. */
    CHECK_SYS(fcntl(tfd, F_SETFL, O_NONBLOCK));
    t = its(3000000, 0);
    struct itimerspec old;
    CHECK_SYS(timerfd_settime(tfd, 0, &t, &old));
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
    CHECK_ERR(read(tfd, &exp, sizeof exp), EAGAIN);
    struct pollfd pf = { .fd = tfd, .events = POLLIN };
    CHECK(poll(&pf, 1, 1000) == 1 && (pf.revents & POLLIN));
    CHECK(read(tfd, &exp, sizeof exp) == sizeof exp && exp == 1);

    /* Periodic 2 ms: after about 10 ms several expirations accumulated. */
    t = its(2000000, 2000000);
    CHECK_SYS(timerfd_settime(tfd, 0, &t, NULL));
    struct timespec nap = { 0, 10000000 };
    CHECK_SYS(nanosleep(&nap, NULL));
    CHECK(read(tfd, &exp, sizeof exp) == sizeof exp);
    CHECK(exp >= 3);
    CHECK_SYS(timerfd_gettime(tfd, &cur));
    CHECK(cur.it_interval.tv_nsec == 2000000);

    /* Disarm. */
    t = its(0, 0);
    CHECK_SYS(timerfd_settime(tfd, 0, &t, NULL));
    CHECK_ERR(read(tfd, &exp, sizeof exp), EAGAIN);
    CHECK_SYS(close(tfd));

    /* Absolute expiry on CLOCK_REALTIME, blocking. */
    int rfd = timerfd_create(CLOCK_REALTIME, 0);
    CHECK_SYS(rfd);
    struct timespec now;
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &now));
    long ns = now.tv_nsec + 3000000;
    struct itimerspec at = { .it_value = { now.tv_sec + ns / 1000000000, ns % 1000000000 } };
    CHECK_SYS(timerfd_settime(rfd, TFD_TIMER_ABSTIME, &at, NULL));
    CHECK(read(rfd, &exp, sizeof exp) == sizeof exp && exp == 1);
    struct timespec after;
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &after));
    CHECK(after.tv_sec > at.it_value.tv_sec ||
          (after.tv_sec == at.it_value.tv_sec && after.tv_nsec >= at.it_value.tv_nsec));
    CHECK_SYS(close(rfd));

    /* Bad arguments. */
    CHECK_ERR(timerfd_create(12345, 0), EINVAL);
    t = its(0, 0);
    t.it_value.tv_nsec = 2000000000;
    int bad = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK_SYS(bad);
    CHECK_ERR(timerfd_settime(bad, 0, &t, NULL), EINVAL);
    CHECK_SYS(close(bad));

    printf("timerfd checks passed\n");
    pass("timerfd");
    return 0;
}
