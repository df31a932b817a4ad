/* File I/O: open/openat/read/write/pread/pwrite/lseek/readv/writev/ftruncate/stat family/fsync/access. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

int main(void)
{
    umask(022);

    const char msg[] = "hello, chorus\n";
    const ssize_t mlen = (ssize_t)strlen(msg);
    char buf[256];

    int fd = open("data.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    CHECK(write(fd, msg, (size_t)mlen) == mlen);
    CHECK(lseek(fd, 0, SEEK_CUR) == mlen);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == mlen);
    CHECK(memcmp(buf, msg, (size_t)mlen) == 0);
    CHECK(read(fd, buf, sizeof buf) == 0);

    /* pread/pwrite use their own offset and leave the file offset alone. */
    CHECK(pwrite(fd, "XY", 2, 7) == 2);
    CHECK(lseek(fd, 0, SEEK_CUR) == mlen);
    CHECK(pread(fd, buf, 5, 5) == 5);
    CHECK(memcmp(buf, ", XYo", 5) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == mlen);

    /* Seeking past the end and writing leaves a hole of zeros. */
    CHECK(lseek(fd, 100, SEEK_SET) == 100);
    CHECK(write(fd, "Z", 1) == 1);
    struct stat st;
    CHECK_SYS(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(st.st_size == 101);
    CHECK(st.st_nlink == 1);
    CHECK(pread(fd, buf, 10, 50) == 10);
    for (int i = 0; i < 10; i++)
        CHECK(buf[i] == 0);
    CHECK(lseek(fd, -1, SEEK_END) == 100);
    CHECK(read(fd, buf, 10) == 1 && buf[0] == 'Z');
    CHECK_ERR(lseek(fd, -1000, SEEK_SET), EINVAL);

    /* writev/readv with an empty element in the middle. */
    CHECK_SYS(ftruncate(fd, 0));
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    struct iovec wv[3] = {
        { .iov_base = "abc", .iov_len = 3 },
        { .iov_base = "", .iov_len = 0 },
        { .iov_base = "defgh", .iov_len = 5 },
    };
    CHECK(writev(fd, wv, 3) == 8);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char r1[3], r2[10];
    memset(r2, 0, sizeof r2);
    struct iovec rv[2] = {
        { .iov_base = r1, .iov_len = sizeof r1 },
        { .iov_base = r2, .iov_len = sizeof r2 },
    };
    CHECK(readv(fd, rv, 2) == 8);
    CHECK(memcmp(r1, "abc", 3) == 0 && memcmp(r2, "defgh", 5) == 0);

    /* pwritev/preadv at an offset. */
    struct iovec pw[2] = {
        { .iov_base = "12", .iov_len = 2 },
        { .iov_base = "345", .iov_len = 3 },
    };
    CHECK(pwritev(fd, pw, 2, 2) == 5);
    char p1[4], p2[4];
    struct iovec pr[2] = {
        { .iov_base = p1, .iov_len = 4 },
        { .iov_base = p2, .iov_len = 4 },
    };
    CHECK(preadv(fd, pr, 2, 0) == 8);
    CHECK(memcmp(p1, "ab12", 4) == 0 && memcmp(p2, "345h", 4) == 0);

    /* ftruncate shrinks and grows (with zeros). */
    CHECK_SYS(ftruncate(fd, 4));
    CHECK_SYS(fstat(fd, &st));
    CHECK(st.st_size == 4);
    CHECK_SYS(ftruncate(fd, 4096));
    CHECK(pread(fd, buf, 8, 0) == 8);
    CHECK(memcmp(buf, "ab12\0\0\0\0", 8) == 0);
    CHECK_SYS(fsync(fd));
    CHECK_SYS(fdatasync(fd));

    /* stat, lstat, fstatat and statx agree with fstat. */
    struct stat st2;
    CHECK_SYS(fstat(fd, &st));
    CHECK_SYS(stat("data.bin", &st2));
    CHECK(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev);
    CHECK(st2.st_size == 4096);
    CHECK_SYS(lstat("data.bin", &st2));
    CHECK(st2.st_ino == st.st_ino);
    CHECK_SYS(fstatat(AT_FDCWD, "data.bin", &st2, 0));
    CHECK(st2.st_ino == st.st_ino);
    struct statx stx;
    CHECK_SYS(statx(AT_FDCWD, "data.bin", 0, STATX_BASIC_STATS, &stx));
    CHECK(stx.stx_mask & STATX_SIZE);
    CHECK(stx.stx_size == 4096);
    CHECK(stx.stx_ino == st.st_ino);
    CHECK((stx.stx_mode & 07777) == 0644);
    CHECK_SYS(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &stx));
    CHECK(stx.stx_size == 4096);
    CHECK_ERR(stat("no-such-file", &st2), ENOENT);
    CHECK_SYS(close(fd));
    CHECK_ERR(close(fd), EBADF);
    CHECK_ERR(read(fd, buf, 1), EBADF);

    /* openat relative to a directory descriptor. */
    CHECK_SYS(mkdir("sub", 0755));
    int dfd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK_SYS(dfd);
    int fd2 = openat(dfd, "inner.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK_SYS(fd2);
    CHECK(write(fd2, "inner\n", 6) == 6);
    CHECK_ERR(read(fd2, buf, 1), EBADF);
    CHECK_SYS(close(fd2));
    CHECK_SYS(stat("sub/inner.txt", &st));
    CHECK(st.st_size == 6 && (st.st_mode & 07777) == 0600);
    CHECK_SYS(faccessat(dfd, "inner.txt", R_OK | W_OK, 0));
    CHECK_ERR(faccessat(dfd, "missing.txt", F_OK, 0), ENOENT);
    fd2 = openat(dfd, "inner.txt", O_RDONLY);
    CHECK_SYS(fd2);
    CHECK(read(fd2, buf, sizeof buf) == 6 && memcmp(buf, "inner\n", 6) == 0);
    CHECK_ERR(write(fd2, "x", 1), EBADF);
    CHECK_SYS(close(fd2));
    CHECK_SYS(close(dfd));

    /* access */
    CHECK_SYS(access("data.bin", F_OK));
    CHECK_SYS(access("data.bin", R_OK | W_OK));
    CHECK_ERR(access("missing", F_OK), ENOENT);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("data.bin/x", O_RDONLY), ENOTDIR);

    printf("file I/O checks passed\n");
    pass("file_io");
    return 0;
}
