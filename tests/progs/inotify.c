/*
 * inotify: a watch on a directory, then files made, written, renamed and
 * removed there; the events read back name them, in order. The legacy
 * inotify_init as well.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void show(int fd, int want)
{
    char buf[4096] __attribute__((aligned(8)));
    int seen = 0;

    while (seen < want) {
        ssize_t n = read(fd, buf, sizeof(buf));
        CHECK(n > 0);
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)(void *)p;
            printf("event %s%s%s%s%s %s\n", e->mask & IN_CREATE ? "create" : "",
                   e->mask & IN_CLOSE_WRITE ? "close-write" : "", e->mask & IN_MOVED_FROM ? "moved-from" : "",
                   e->mask & IN_MOVED_TO ? "moved-to" : "", e->mask & IN_DELETE ? "delete" : "",
                   e->len ? e->name : "");
            p += sizeof(*e) + e->len;
            seen++;
        }
    }
}

int main(void)
{
    int fd = inotify_init1(IN_CLOEXEC), old = (int)syscall(SYS_inotify_init), wd, f;

    CHECK_SYS(fd);
    CHECK_SYS(old);
    CHECK_SYS(mkdir("watched", 0755));
    wd = inotify_add_watch(fd, "watched", IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE);
    CHECK_SYS(wd);
    CHECK_SYS(inotify_add_watch(old, "watched", IN_CREATE));
    f = open("watched/a", O_WRONLY | O_CREAT, 0644);
    CHECK_SYS(f);
    CHECK(write(f, "x", 1) == 1);
    CHECK_SYS(close(f));
    CHECK_SYS(rename("watched/a", "watched/b"));
    CHECK_SYS(unlink("watched/b"));
    show(fd, 5);
    show(old, 1);
    CHECK_SYS(inotify_rm_watch(fd, wd));
    CHECK_SYS(rmdir("watched"));
    printf("watched a file made, written, renamed and removed\n");
    pass("inotify");
    return 0;
}
