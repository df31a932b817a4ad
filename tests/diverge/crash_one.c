/* expect: chorus: divergence: .*SIGSEGV */
/* Exactly one variant dereferences NULL; the others exit normally. */
#include <stdint.h>
#include "winner.h"

static volatile uintptr_t null_address = 0;

int main(void)
{
    if (am_winner())
        *(volatile int *)null_address = 1;
    return 0;
}
