/* expect: chorus: divergence: .*SIGILL */
/* Exactly one variant executes an invalid instruction (no syscall before the fault); the others exit normally. */
#include "winner.h"

int main(void)
{
    if (am_winner())
        __builtin_trap();
    return 0;
}
