/* expect: chorus: divergence: .*SIGSEGV */
/*
 * The variants read a file in the same steps; after the 30th read exactly
 * one of them crashes, the others read on. The leader may have read ahead
 * past the point where the crash comes.
 */
#include <stdint.h>

#include "winner.h"

int main(void)
{
    int w = am_winner();
    char buf[8] = { 0 };
    int fd = zero_file();

    for (int i = 0; i < 100; i++) {
        if (read(fd, buf, 8) < 0)
            return 2;
        if (i == 30 && w)
            *(volatile int *)(uintptr_t)buf[0] = 1;
    }
    return 0;
}
