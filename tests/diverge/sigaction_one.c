/* expect: chorus: argument 2 differs: unreadable in some variants only */
/*
 * One variant gives rt_sigaction a new action it cannot read, the others a
 * good one: the call runs in every variant with no exit stop, so this is
 * caught before it runs, not by the kernels' answers.
 */
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "winner.h"

struct kaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

static void on_usr1(int s)
{
    (void)s;
}

int main(void)
{
    struct kaction act;

    memset(&act, 0, sizeof(act));
    act.handler = on_usr1;
    return (int)syscall(SYS_rt_sigaction, SIGUSR1, am_winner() ? (void *)8 : (void *)&act, NULL, 8);
}
