/* expect: chorus: divergence: .*write\(1, "[AB]", 1\) */
/* Exactly one variant writes "B", the others write "A": same syscall, different data. */
#include "winner.h"

int main(void)
{
    const char *c = am_winner() ? "B" : "A";
    if (write(1, c, 1) != 1)
        return 2;
    return 0;
}
