/* expect: chorus: variant [0-9] made 1000 futex wakes that the others did not make */
/*
 * One variant wakes a futex over and over while the others wait at
 * another call: a wake is made alone, but not without end.
 */
#include "winner.h"

#include <linux/futex.h>
#include <sys/syscall.h>

int main(void)
{
    static int word;

    if (am_winner())
        for (int i = 0; i < 5000; i++)
            syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    return getppid() > 0 ? 0 : 1;
}
