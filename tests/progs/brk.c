/* Program break: sbrk growth and shrink, raw brk calls, data kept across growth. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/syscall.h>

static uintptr_t raw_brk(uintptr_t addr)
{
    return (uintptr_t)syscall(SYS_brk, addr);
}

int main(void)
{
    /* No stdio before the break games end, so malloc stays out of the way. */
    char *b0 = sbrk(0);
    CHECK(b0 != (char *)-1);
    CHECK(raw_brk(0) == (uintptr_t)b0);

    char *a = sbrk(64 * 1024);
    CHECK(a == b0);
    CHECK(sbrk(0) == b0 + 64 * 1024);
    memset(a, 'a', 64 * 1024);

    char *b = sbrk(1024 * 1024);
    CHECK(b == b0 + 64 * 1024);
    for (size_t i = 0; i < 1024 * 1024; i += 4096)
        b[i] = (char)(i >> 12);
    for (size_t i = 0; i < 64 * 1024; i++)
        CHECK(a[i] == 'a');
    for (size_t i = 0; i < 1024 * 1024; i += 4096)
        CHECK(b[i] == (char)(i >> 12));

    /* Shrink by half a MiB. */
    char *top = sbrk(0);
    CHECK(sbrk(-512 * 1024) == top);
    CHECK(sbrk(0) == top - 512 * 1024);
    CHECK(raw_brk(0) == (uintptr_t)(top - 512 * 1024));

    /* Raw brk: success returns the new break, failure the old one. */
    uintptr_t cur = raw_brk(0);
    uintptr_t want = cur + 3 * 4096;
    CHECK(raw_brk(want) == want);
    memset((void *)cur, 'z', 3 * 4096);
    CHECK(raw_brk((uintptr_t)0xffff800000000000ULL) == want);
    CHECK(raw_brk(cur) == cur);
    CHECK(brk((void *)cur) == 0);
    CHECK(sbrk(0) == (void *)cur);

    /* Data below the break is intact after all that. */
    for (size_t i = 0; i < 64 * 1024; i++)
        CHECK(a[i] == 'a');

    /* Give everything back. */
    CHECK(brk(b0) == 0);
    CHECK(sbrk(0) == b0);

    printf("break grew by 1088 KiB and shrank back\n");
    pass("brk");
    return 0;
}
