/* Time stamp counter via inline asm: rdtsc (and rdtscp when the CPU has it) never goes back and advances over a sleep. */
#define _GNU_SOURCE
#include "check.h"

#include <cpuid.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdtscp(uint32_t *aux)
{
    uint32_t lo, hi, c;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
    *aux = c;
    return ((uint64_t)hi << 32) | lo;
}

static int have_rdtscp(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d))
        return 0;
    return (d >> 27) & 1;
}

int main(void)
{
    uint64_t prev = rdtsc();
    CHECK(prev != 0);
    for (int i = 0; i < 100000; i++) {
        uint64_t cur = rdtsc();
        CHECK(cur >= prev);
        prev = cur;
    }

    /* The counter moves forward over a 2 ms sleep. */
    uint64_t before = rdtsc();
    struct timespec nap = { 0, 2000000 };
    CHECK_SYS(nanosleep(&nap, NULL));
    uint64_t after = rdtsc();
    CHECK(after > before);
    printf("rdtsc is non-decreasing\n");

    if (have_rdtscp()) {
        uint32_t aux;
        prev = rdtscp(&aux);
        for (int i = 0; i < 100000; i++) {
            uint64_t cur = rdtscp(&aux);
            CHECK(cur >= prev);
            prev = cur;
        }
        uint64_t plain = rdtsc();
        CHECK(plain >= prev);
    }
    /* The output must not depend on the CPU, so rdtscp is reported the same either way. */
    printf("rdtscp checked where available\n");
    pass("rdtsc");
    return 0;
}
