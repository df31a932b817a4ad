/* expect: chorus: code layouts overlap: variant 0 has code at 0x200000000 */
/*
 * Maps executable memory at one fixed address, the same in every variant.
 * With disjoint code layouts (the default) chorus stops the run at that
 * mmap, before any variant can run code there.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>

int main(void)
{
    void *want = (void *)0x200000000UL;
    void *p = mmap(want, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

    printf("code at the fixed address: %s\n", p == want ? "yes" : "no");
    return 0;
}
