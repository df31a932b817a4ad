/*
 * Random numbers taken where the CPU offers them: RDRAND when CPUID says
 * the CPU has it (as libgcrypt does), else getrandom. Each number picks
 * how many bytes the next write to /dev/null sends, so numbers that
 * differ between the variants make them part. Under chorus, where CPUID faulting is
 * available, CPUID hides RDRAND and the numbers come from getrandom,
 * which is replicated; ARCH_GET_CPUID still says CPUID works.
 */
#define _GNU_SOURCE
#include "check.h"

#include <asm/prctl.h>
#include <cpuid.h>
#include <fcntl.h>
#include <immintrin.h>
#include <stdbool.h>
#include <sys/random.h>
#include <sys/syscall.h>

__attribute__((target("rdrnd"))) static unsigned long long hw_random(void)
{
    unsigned long long v = 0;

    for (int i = 0; i < 100 && !_rdrand64_step(&v); i++)
        ;
    return v;
}

static unsigned long long random64(bool hw)
{
    unsigned long long v;

    if (hw)
        return hw_random();
    CHECK(getrandom(&v, sizeof(v), 0) == sizeof(v));
    return v;
}

int main(void)
{
    unsigned a, b, c, d;
    int null = open("/dev/null", O_WRONLY);
    bool hw;

    CHECK_SYS(null);
    CHECK(__get_cpuid(1, &a, &b, &c, &d));
    hw = (c >> 30) & 1;
    for (int i = 0; i < 32; i++) {
        size_t n = 1 + (random64(hw) & 1);
        CHECK(write(null, "ab", n) == (ssize_t)n);
    }
    CHECK(syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0) == 1);
    printf("32 random choices made\n");
    pass("rdrand");
    return 0;
}
