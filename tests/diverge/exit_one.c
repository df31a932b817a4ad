/* expect: chorus: divergence: .*exit */
/* Exactly one variant exits with status 1, the others with 0. */
#include "winner.h"

int main(void)
{
    exit(am_winner() ? 1 : 0);
}
