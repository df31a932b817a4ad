/* expect: chorus: divergence: .*(getppid.*getpid|getpid.*getppid) */
/* Exactly one variant calls getppid(), the others getpid(): different syscalls. */
#include "winner.h"

int main(void)
{
    pid_t v = am_winner() ? getppid() : getpid();
    return v > 0 ? 0 : 1;
}
