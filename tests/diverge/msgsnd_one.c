/* expect: chorus: divergence: variant 0: msgsnd\(.*"\\1\\0\\0\\0\\0\\0\\0\\0ab[cd]", 3, .* / variant 1: msgsnd\( */
/* Exactly one variant sends another message: a System V message is compared by type and text. */
#include <sys/msg.h>

#include "winner.h"

int main(void)
{
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (q < 0 || msgctl(q, IPC_RMID, NULL) < 0) /* removed first: nothing is left behind */
        return 2;
    struct {
        long type;
        char text[4];
    } m = { 1, "abc" };
    m.text[2] = am_winner() ? 'd' : 'c';
    msgsnd(q, &m, 3, IPC_NOWAIT);
    return 0;
}
