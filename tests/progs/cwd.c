/* Working directory and umask: getcwd/chdir/fchdir agree with stat and /proc/self/cwd; umask round trips. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static void same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    CHECK_SYS(stat(a, &sa));
    CHECK_SYS(stat(b, &sb));
    CHECK(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

int main(void)
{
    /* umask returns the previous mask and applies to mkdir and open. */
    mode_t first = umask(077);
    (void)first;
    CHECK(umask(022) == 077);
    CHECK(umask(077) == 022);
    int fd = open("private.txt", O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK_SYS(fd);
    CHECK_SYS(close(fd));
    struct stat st;
    CHECK_SYS(stat("private.txt", &st));
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(umask(022) == 077);
    CHECK_SYS(mkdir("sub", 0777));
    CHECK_SYS(stat("sub", &st));
    CHECK((st.st_mode & 0777) == 0755);

    /* getcwd names the directory we are in. */
    char start[PATH_MAX], cur[PATH_MAX], proc[PATH_MAX];
    CHECK(getcwd(start, sizeof start) == start);
    CHECK(start[0] == '/');
    same_file(start, ".");
    ssize_t n = readlink("/proc/self/cwd", proc, sizeof proc - 1);
    CHECK(n > 0);
    proc[n] = '\0';
    CHECK(strcmp(proc, start) == 0);
    long raw = syscall(SYS_getcwd, cur, sizeof cur);
    CHECK(raw == (long)strlen(start) + 1);
    CHECK(strcmp(cur, start) == 0);
    CHECK(getcwd(cur, 2) == NULL && errno == ERANGE);
    char *dyn = getcwd(NULL, 0);
    CHECK(dyn && strcmp(dyn, start) == 0);
    free(dyn);

    /* chdir into sub and back. */
    CHECK_SYS(chdir("sub"));
    CHECK(getcwd(cur, sizeof cur) == cur);
    char want[PATH_MAX + 8];
    snprintf(want, sizeof want, "%s/sub", start);
    CHECK(strcmp(cur, want) == 0);
    fd = open("here.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    CHECK(write(fd, "in sub\n", 7) == 7);
    CHECK_SYS(close(fd));
    n = readlink("/proc/self/cwd", proc, sizeof proc - 1);
    CHECK(n > 0);
    proc[n] = '\0';
    CHECK(strcmp(proc, want) == 0);
    CHECK_SYS(chdir(".."));
    CHECK(getcwd(cur, sizeof cur) == cur && strcmp(cur, start) == 0);
    CHECK_SYS(access("sub/here.txt", R_OK));

    /* fchdir with directory descriptors. */
    int top = open(".", O_RDONLY | O_DIRECTORY);
    int sub = open("sub", O_RDONLY | O_DIRECTORY);
    CHECK_SYS(top);
    CHECK_SYS(sub);
    CHECK_SYS(fchdir(sub));
    CHECK_SYS(access("here.txt", R_OK));
    same_file(".", want);
    CHECK_SYS(fchdir(top));
    CHECK(getcwd(cur, sizeof cur) == cur && strcmp(cur, start) == 0);
    int file = open("private.txt", O_RDONLY);
    CHECK_SYS(file);
    CHECK_ERR(fchdir(file), ENOTDIR);
    CHECK_SYS(close(file));
    CHECK_SYS(close(top));
    CHECK_SYS(close(sub));

    /* Errors leave the directory unchanged. */
    CHECK_ERR(chdir("missing"), ENOENT);
    CHECK_ERR(chdir("private.txt"), ENOTDIR);
    CHECK(getcwd(cur, sizeof cur) == cur && strcmp(cur, start) == 0);

    /* Relative opens follow the current directory. */
    CHECK_SYS(chdir("/"));
    CHECK_ERR(access("private.txt", F_OK), ENOENT);
    CHECK_SYS(chdir(start));
    CHECK_SYS(access("private.txt", F_OK));

    printf("cwd and umask checks passed\n");
    pass("cwd");
    return 0;
}
