/*
 * Memory placed where the program asks (a hint, without MAP_FIXED), as the
 * JVM places its heap and Go its arenas: the program checks it got that
 * address and asks elsewhere if not. Every variant must get it.
 */
#define _GNU_SOURCE
#include "check.h"

#include <stdint.h>
#include <sys/mman.h>

#define SIZE (64UL << 20)

int main(void)
{
    uintptr_t hint = 0x200000000000UL;
    char *p = MAP_FAILED;
    int tries = 0;

    for (; tries < 8; tries++, hint += 0x10000000000UL) {
        p = mmap((void *)hint, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        CHECK(p != MAP_FAILED);
        if ((uintptr_t)p == hint)
            break;
        CHECK_SYS(munmap(p, SIZE)); /* not where asked: try the next place */
    }
    CHECK(tries < 8);
    printf("got the address asked for at try %d\n", tries);
    p[0] = 1;
    p[SIZE - 1] = 2;
    CHECK_SYS(munmap(p, SIZE));
    pass("mmap_hint");
    return 0;
}
