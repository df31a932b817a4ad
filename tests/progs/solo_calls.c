/*
 * Calls made a number of times that depends on the program's own
 * addresses, as jemalloc reads the clock and gives pages back after a
 * count drawn from the address of each thread's data: coarse clock reads
 * and madvise(MADV_DONTNEED / MADV_FREE). Each variant makes them alone;
 * nothing the program prints depends on them.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

int main(void)
{
    int here = 0;
    unsigned extra = (unsigned)(((uintptr_t)&here >> 12) & 15); /* differs between variants */
    char *page = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct timespec a, b;

    CHECK(page != MAP_FAILED);
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC_COARSE, &a));
    CHECK_SYS(clock_gettime(CLOCK_REALTIME_COARSE, &b));
    for (int round = 0; round < 20; round++) {
        for (unsigned i = 0; i < extra + (unsigned)round % 3; i++) {
            CHECK_SYS(clock_gettime(CLOCK_MONOTONIC_COARSE, &a));
            CHECK_SYS(clock_gettime(CLOCK_REALTIME_COARSE, &b));
            page[(i % 4) * 4096] = 1;
            CHECK_SYS(madvise(page, 4 * 4096, i % 2 ? MADV_FREE : MADV_DONTNEED));
        }
        page[0] = 7;
        CHECK_SYS(madvise(page, 4096, MADV_DONTNEED));
        CHECK(page[0] == 0); /* given back: it reads as zeros */
        CHECK(a.tv_sec >= 0 && b.tv_sec > 0);
        printf("round %d\n", round);
    }
    CHECK_SYS(munmap(page, 4 * 4096));
    pass("solo_calls");
    return 0;
}
