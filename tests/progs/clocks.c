/* Clocks: clock_gettime/getres on many clocks, raw and vDSO calls, gettimeofday and time are monotonic and sane. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/syscall.h>
#include <sys/time.h>

static int64_t ts_ns(struct timespec ts)
{
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void)
{
    const clockid_t clocks[] = {
        CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
        CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, CLOCK_REALTIME_COARSE,
        CLOCK_MONOTONIC_COARSE,
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec ts, res;
        CHECK_SYS(clock_gettime(clocks[i], &ts));
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
        CHECK_SYS(clock_getres(clocks[i], &res));
        CHECK(ts_ns(res) > 0 && ts_ns(res) <= 100000000);
    }
    struct timespec junk;
    CHECK_ERR(clock_gettime((clockid_t)12345, &junk), EINVAL);

    /* Monotonic clocks never go back, through the library and the raw syscall. */
    const clockid_t mono[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID };
    for (size_t c = 0; c < sizeof mono / sizeof mono[0]; c++) {
        struct timespec prev, cur;
        CHECK_SYS(clock_gettime(mono[c], &prev));
        for (int i = 0; i < 2000; i++) {
            if (i % 2)
                CHECK_SYS(clock_gettime(mono[c], &cur));
            else
                CHECK_SYS(syscall(SYS_clock_gettime, mono[c], &cur));
            CHECK(ts_ns(cur) >= ts_ns(prev));
            prev = cur;
        }
    }

    /* Realtime is in a plausible range (2020..2100) and agrees across interfaces. */
    struct timespec rt;
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &rt));
    CHECK(rt.tv_sec > 1577836800 && rt.tv_sec < 4102444800);
    struct timeval tv;
    CHECK_SYS(gettimeofday(&tv, NULL));
    CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec <= 2);
    /* time() reads the clock as of the last tick: just after a second
       begins it may still say the one before. */
    time_t t = time(NULL);
    CHECK(t >= tv.tv_sec - 1 && t - tv.tv_sec <= 2);
    time_t t2 = 0;
    CHECK(time(&t2) >= t && t2 >= t);
    struct timeval rawtv;
    CHECK_SYS(syscall(SYS_gettimeofday, &rawtv, NULL));
    CHECK(rawtv.tv_sec >= tv.tv_sec && rawtv.tv_sec - tv.tv_sec <= 2);
    long rawt = syscall(SYS_time, NULL);
    CHECK(rawt >= t && rawt - t <= 2);

    /* Realtime and monotonic advance at the same pace over a short sleep. */
    struct timespec m0, r0, m1, r1, nap = { 0, 20000000 };
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &m0));
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &r0));
    CHECK_SYS(nanosleep(&nap, NULL));
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &m1));
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &r1));
    int64_t dm = ts_ns(m1) - ts_ns(m0), dr = ts_ns(r1) - ts_ns(r0);
    CHECK(dm >= 20000000);
    CHECK(dr > dm - 50000000 && dr < dm + 50000000);

    /* CPU time is much less than the wall clock of this short run. */
    struct timespec cpu;
    CHECK_SYS(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu));
    CHECK(cpu.tv_sec < 30);

    printf("clocks are monotonic and sane\n");
    pass("clocks");
    return 0;
}
