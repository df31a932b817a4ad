/* expect: chorus: divergence: variant 0: semtimedop\(.*, 1, NULL\) / variant 1: semtimedop\( */
/* Exactly one variant asks semop for another operation: the operations are compared by content. */
#include <sys/sem.h>

#include "winner.h"

int main(void)
{
    int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
    if (id < 0 || semctl(id, 0, IPC_RMID) < 0) /* removed first: nothing is left behind */
        return 2;
    struct sembuf op = { 0, (short)(am_winner() ? 2 : 1), IPC_NOWAIT };
    semop(id, &op, 1);
    return 0;
}
