/*
 * vfork from a process that has shared writable memory (python's
 * multiprocessing makes some, and its subprocess module uses vfork):
 * the parent waits in the kernel until its child execs or ends, so the
 * child must run on its own, not wait for a turn its parent holds.
 */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>
#include <sys/wait.h>

static int run(int exec_it, int code)
{
    int st;
    pid_t p = vfork();

    CHECK_SYS(p);
    if (p == 0) {
        if (exec_it)
            execl("/bin/sh", "sh", "-c", code ? "exit 5" : "exit 0", (char *)NULL);
        _exit(code);
    }
    CHECK(waitpid(p, &st, 0) == p);
    CHECK(WIFEXITED(st));
    return WEXITSTATUS(st);
}

int main(void)
{
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    CHECK(shared != MAP_FAILED);
    *shared = 42;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < 3; i++) {
        printf("vfork and _exit: %d\n", run(0, 7 + i));
        printf("vfork and exec: %d\n", run(1, i));
    }
    CHECK(*shared == 42);
    pass("proc_vfork_shared");
    return 0;
}
