/*
 * 500 short-lived children in waves of 50; the parent's parent (the
 * monitor, under chorus) does not grow once it has warmed up (its
 * allocator, ASan's in particular, takes some memory once, in the first
 * waves): over the last 300 children, it grows by less than a MiB.
 */
#define _GNU_SOURCE
#include "check.h"
#include <sys/wait.h>

/* VmRSS of a process, in KiB. */
static long rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

int main(void)
{
    long total = 0, first = 0;
    for (int wave = 0; wave < 10; wave++) {
        pid_t k[50];
        for (int i = 0; i < 50; i++) {
            k[i] = fork();
            CHECK_SYS(k[i]);
            if (k[i] == 0)
                _exit((wave * 50 + i) % 200);
        }
        for (int i = 0; i < 50; i++) {
            int st;
            CHECK(waitpid(k[i], &st, 0) == k[i] && WIFEXITED(st));
            total += WEXITSTATUS(st);
        }
        if (wave == 3)
            first = rss_kib(getppid());
    }
    long last = rss_kib(getppid());
    CHECK(first > 0 && last > 0);
    CHECK(last - first < 1024); /* under a MiB of growth over 300 children */
    CHECK_ERR(waitpid(-1, NULL, WNOHANG), ECHILD);
    printf("500 children, statuses add up to %ld; the parent's parent did not grow\n", total);
    pass("proc_many");
    return 0;
}
