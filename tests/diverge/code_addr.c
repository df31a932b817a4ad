/* expect: chorus: divergence: .*write */
/* Prints the address of main, which differs between variants of a PIE under ASLR. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("main at %#lx\n", (unsigned long)(uintptr_t)main);
    return 0;
}
