/*
 * Open flags: O_CREAT|O_EXCL, O_APPEND (also with pwrite), O_TRUNC, O_CLOEXEC, O_DIRECTORY, umask on create;
 * a mode argument without O_CREAT is left unread (here a stack address, as raw syscalls in jemalloc leave it).
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static off_t size_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return st.st_size;
}

static void expect_content(const char *path, const char *want)
{
    size_t len;
    char *got = read_whole_file(path, &len);
    CHECK(got != NULL);
    if (len != strlen(want) || memcmp(got, want, len) != 0) {
        fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", path, got, want);
        exit(1);
    }
    free(got);
}

int main(void)
{
    umask(022);

    /* O_CREAT|O_EXCL creates once, then fails with EEXIST. */
    int fd = open("log.txt", O_WRONLY | O_CREAT | O_EXCL, 0644);
    CHECK_SYS(fd);
    CHECK(write(fd, "first\n", 6) == 6);
    CHECK_SYS(close(fd));
    CHECK_ERR(open("log.txt", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);

    /* O_CREAT without O_EXCL opens the existing file without truncating. */
    fd = open("log.txt", O_RDONLY | O_CREAT, 0600);
    CHECK_SYS(fd);
    CHECK_SYS(close(fd));
    CHECK(size_of("log.txt") == 6);

    /* O_APPEND writes at the end whatever the offset. */
    int afd = open("log.txt", O_WRONLY | O_APPEND);
    CHECK_SYS(afd);
    CHECK(fcntl(afd, F_GETFL) & O_APPEND);
    CHECK(lseek(afd, 0, SEEK_SET) == 0);
    CHECK(write(afd, "second\n", 7) == 7);
    CHECK(lseek(afd, 0, SEEK_CUR) == 13);
    expect_content("log.txt", "first\nsecond\n");

    /* A second, non-append descriptor overwrites at its own offset. */
    int rfd = open("log.txt", O_RDWR);
    CHECK_SYS(rfd);
    CHECK(write(rfd, "FIRST", 5) == 5);
    CHECK(write(afd, "third\n", 6) == 6);
    expect_content("log.txt", "FIRST\nsecond\nthird\n");

    /* On Linux, pwrite on an O_APPEND descriptor appends too. */
    CHECK(pwrite(afd, "4th\n", 4, 0) == 4);
    expect_content("log.txt", "FIRST\nsecond\nthird\n4th\n");
    CHECK_SYS(close(afd));
    CHECK_SYS(close(rfd));

    /* O_TRUNC empties the file. */
    fd = open("log.txt", O_WRONLY | O_TRUNC);
    CHECK_SYS(fd);
    CHECK(size_of("log.txt") == 0);
    CHECK(write(fd, "new\n", 4) == 4);
    CHECK_SYS(close(fd));
    expect_content("log.txt", "new\n");

    /* O_CLOEXEC sets FD_CLOEXEC; without it the flag is clear. */
    fd = open("log.txt", O_RDONLY | O_CLOEXEC);
    CHECK_SYS(fd);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
    CHECK_SYS(close(fd));
    fd = open("log.txt", O_RDONLY);
    CHECK_SYS(fd);
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK_SYS(close(fd));

    /* O_DIRECTORY on a regular file fails, on "." works. */
    CHECK_ERR(open("log.txt", O_RDONLY | O_DIRECTORY), ENOTDIR);
    fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK_SYS(fd);
    CHECK_SYS(close(fd));
    CHECK_ERR(open(".", O_WRONLY), EISDIR);

    /* The umask applies to the creation mode. */
    mode_t old = umask(027);
    CHECK(old == 022);
    fd = open("masked.txt", O_WRONLY | O_CREAT | O_EXCL, 0666);
    CHECK_SYS(fd);
    struct stat st;
    CHECK_SYS(fstat(fd, &st));
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(write(fd, "masked\n", 7) == 7);
    CHECK_SYS(close(fd));
    umask(022);

    /* creat() is O_CREAT|O_WRONLY|O_TRUNC. */
    fd = creat("created.txt", 0644);
    CHECK_SYS(fd);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    CHECK(write(fd, "created\n", 8) == 8);
    CHECK_SYS(close(fd));

    {
        int here = 0;

        CHECK_SYS(fd = (int)syscall(SYS_open, "created.txt", O_RDONLY, (long)&here));
        CHECK_SYS(close(fd));
        CHECK_SYS(fd = (int)syscall(SYS_openat, AT_FDCWD, "created.txt", O_RDONLY, (long)&here));
        CHECK_SYS(close(fd));
    }

    printf("log.txt holds: new\n");
    pass("file_flags");
    return 0;
}
