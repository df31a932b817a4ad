/* fork+exec, posix_spawn (CLONE_VM|CLONE_VFORK), and an exec'd program's output and status. */
#define _GNU_SOURCE
#include "check.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

int main(void)
{
    fflush(stdout);
    pid_t k = fork();
    CHECK_SYS(k);
    if (k == 0) {
        char *argv[] = { "/bin/echo", "from", "an", "exec", NULL };
        execve(argv[0], argv, environ);
        _exit(127);
    }
    int st;
    CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0);

    char *sh[] = { "/bin/sh", "-c", "echo spawned; exit 7", NULL };
    pid_t s;
    CHECK(posix_spawn(&s, sh[0], NULL, NULL, sh, environ) == 0);
    CHECK(waitpid(s, &st, 0) == s && WIFEXITED(st) && WEXITSTATUS(st) == 7);

    char *missing[] = { "/nonexistent/program", NULL };
    CHECK(posix_spawn(&s, missing[0], NULL, NULL, missing, environ) == ENOENT);
    printf("exec and spawn behaved\n");
    pass("proc_exec");
    return 0;
}
