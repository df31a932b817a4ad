/*
 * Under chorus, a variant cannot open another process's memory by pid (its
 * parent's: the monitor's), however the path is spelled: plainly, with
 * extra slashes or dots, through /proc/self/.., relative to /proc, from a
 * directory descriptor, through a symlink, or by thread. Its own memory
 * (/proc/self/mem, /proc/thread-self/mem) it may open.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void try(const char *how, int fd)
{
    printf("%-12s %s\n", how, fd < 0 ? "refused" : "opened");
    if (fd >= 0)
        close(fd);
}

int main(void)
{
    char path[128], link[64];
    int ppid = (int)getppid(), dir;

    snprintf(path, sizeof path, "/proc/%d/mem", ppid);
    try("plain", open(path, O_RDWR));
    snprintf(path, sizeof path, "/proc//%d/./mem", ppid);
    try("dots", open(path, O_RDWR));
    snprintf(path, sizeof path, "/proc/self/../%d/mem", ppid);
    try("self-dotdot", open(path, O_RDWR));
    snprintf(path, sizeof path, "/proc/%d/task/%d/mem", ppid, ppid);
    try("task", open(path, O_RDWR));
    snprintf(path, sizeof path, "/proc/%d", ppid);
    dir = open(path, O_RDONLY | O_DIRECTORY);
    try("dirfd", openat(dir, "mem", O_RDWR));
    close(dir);
    if (chdir("/proc") == 0) {
        snprintf(path, sizeof path, "%d/mem", ppid);
        try("relative", open(path, O_RDWR));
    }
    snprintf(link, sizeof link, "/tmp/chorus-mem-link-%d", (int)getpid());
    snprintf(path, sizeof path, "/proc/%d/mem", ppid);
    if (symlink(path, link) == 0) {
        try("symlink", open(link, O_RDWR));
        unlink(link);
    }
    try("self", open("/proc/self/mem", O_RDONLY));
    try("thread-self", open("/proc/thread-self/mem", O_RDONLY));
    return 0;
}
