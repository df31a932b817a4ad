/* expect: chorus: divergence: .*write */
/* Prints the address of a stack variable, which differs between variants under ASLR. */
#include <stdio.h>

int main(void)
{
    int local = 0;
    printf("stack variable at %p\n", (void *)&local);
    return local;
}
