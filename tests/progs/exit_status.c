/* Prints (partly from an atexit handler) and exits with status 3. */
/* status: 3 */
#include <stdio.h>
#include <stdlib.h>

static void at_exit_handler(void)
{
    printf("ok exit_status\n");
}

int main(void)
{
    if (atexit(at_exit_handler) != 0)
        return 1;
    printf("exiting with status 3\n");
    exit(3);
}
