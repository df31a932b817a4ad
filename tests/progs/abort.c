/* Prints its ok line, then calls abort(): the status must be 134 (128 + SIGABRT). */
/* status: 134 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    printf("ok abort\n");
    fflush(stdout);
    abort();
}
