/* Processes talking over pipes: a child echoes back what the parent sends, while the parent blocks in read. */
#define _GNU_SOURCE
#include "check.h"
#include <sys/wait.h>

int main(void)
{
    int down[2], up[2];
    CHECK_SYS(pipe(down));
    CHECK_SYS(pipe(up));
    pid_t k = fork();
    CHECK_SYS(k);
    if (k == 0) {
        close(down[1]);
        close(up[0]);
        char buf[64];
        ssize_t n;
        /* the child works (a little) before each answer: the parent waits in read */
        while ((n = read(down[0], buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++)
                buf[i] = (char)(buf[i] ^ 0x20);
            usleep(1000);
            CHECK(write(up[1], buf, (size_t)n) == n);
        }
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    for (int i = 0; i < 50; i++) {
        char msg[32], back[32];
        int len = snprintf(msg, sizeof msg, "message %d", i);
        CHECK(write(down[1], msg, (size_t)len) == len);
        CHECK(read(up[0], back, sizeof back) == len);
        for (int j = 0; j < len; j++)
            CHECK(back[j] == (char)(msg[j] ^ 0x20));
    }
    close(down[1]);
    char c;
    CHECK(read(up[0], &c, 1) == 0); /* the child closed its end by exiting */
    int st;
    CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("50 round trips through a child\n");
    pass("proc_pipe");
    return 0;
}
