/* Sleeping: nanosleep and clock_nanosleep (relative, absolute, several clocks) last at least as asked. */
#define _GNU_SOURCE
#include "check.h"

#include <sched.h>

static void expect_slept(int64_t t0, int64_t min_ns)
{
    int64_t dt = now_ns() - t0;
    CHECK(dt >= min_ns);
    CHECK(dt < 5000000000LL);
}

int main(void)
{
    struct timespec req = { 0, 3000000 }, rem = { 7, 7 };
    int64_t t0 = now_ns();
    CHECK_SYS(nanosleep(&req, &rem));
    expect_slept(t0, 3000000);

    t0 = now_ns();
    req.tv_nsec = 2000000;
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
    expect_slept(t0, 2000000);

    t0 = now_ns();
    CHECK(clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL) == 0);
    expect_slept(t0, 2000000);

    t0 = now_ns();
    CHECK(clock_nanosleep(CLOCK_BOOTTIME, 0, &req, NULL) == 0);
    expect_slept(t0, 2000000);

    /* Absolute deadline 4 ms from now. */
    struct timespec now;
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &now));
    t0 = now_ns();
    long ns = now.tv_nsec + 4000000;
    struct timespec until = { now.tv_sec + ns / 1000000000, ns % 1000000000 };
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
    struct timespec after;
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &after));
    CHECK(after.tv_sec > until.tv_sec || (after.tv_sec == until.tv_sec && after.tv_nsec >= until.tv_nsec));
    /* from t0, read after `now` (later still on a loaded machine), to the deadline at least */
    expect_slept(t0, (int64_t)until.tv_sec * 1000000000 + until.tv_nsec - t0);

    /* A deadline in the past returns at once. */
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL) == 0);

    /* Zero sleeps, usleep, sched_yield. */
    req.tv_sec = 0;
    req.tv_nsec = 0;
    CHECK_SYS(nanosleep(&req, NULL));
    t0 = now_ns();
    CHECK_SYS(usleep(1000));
    expect_slept(t0, 1000000);
    CHECK_SYS(sched_yield());

    /* Bad arguments: nanosleep sets errno, clock_nanosleep returns the error. */
    req.tv_nsec = 1000000000;
    CHECK_ERR(nanosleep(&req, NULL), EINVAL);
    req.tv_nsec = -1;
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == EINVAL);
    req.tv_nsec = 1000;
    CHECK(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL) == EINVAL);

    printf("slept at least as long as asked\n");
    pass("sleep");
    return 0;
}
