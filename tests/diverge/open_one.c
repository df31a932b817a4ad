/* expect: chorus: divergence: .*open(at)?\(.*(winner|loser)\.txt */
/* Exactly one variant creates "winner.txt", the others "loser.txt": different path arguments. */
#include "winner.h"

int main(void)
{
    const char *name = am_winner() ? "winner.txt" : "loser.txt";
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 2;
    close(fd);
    return 0;
}
