/* expect: chorus: divergence: variant 0: read\(3, .*, [78]\) / .*read\(3, .*, [78]\) */
/*
 * The variants read a file in the same steps, CPU work between them, until
 * the 40th read, where exactly one reads 7 bytes and the others 8. Whether
 * the leader read ahead or not, the lengths must be compared.
 */
#include "winner.h"

static void work(int i)
{
    volatile unsigned long x = 0;

    for (unsigned long k = 0; k < (unsigned long)(i % 3) * 50000; k++)
        x += k;
}

int main(void)
{
    int w = am_winner();
    char buf[8];
    int fd = zero_file();

    if (fd != 3)
        return 2;
    for (int i = 0; i < 100; i++) {
        if (read(fd, buf, i == 40 && w ? 7 : 8) < 0)
            return 2;
        work(i);
    }
    return 0;
}
