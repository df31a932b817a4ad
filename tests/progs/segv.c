/* status: 139 */
/* Prints its ok line, then crashes. A program's own crash: the same fault in every variant is no divergence; the status is SIGSEGV's. */
#define _GNU_SOURCE
#include "check.h"
#include <sys/resource.h>

int main(void)
{
    struct rlimit none = { 0, 0 };
    CHECK_SYS(setrlimit(RLIMIT_CORE, &none)); /* no core file in the test directory */
    printf("about to crash\n");
    pass("segv"); /* the ok line first: what follows is the crash the status shows */
    fflush(stdout);
    volatile int *p = NULL;
    return *p;
}
