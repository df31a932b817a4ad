/* Descriptor duplication and fcntl: dup/dup2/dup3, F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL, record and OFD locks. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

static struct flock lock_of(short type, off_t start, off_t len)
{
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    return fl;
}

int main(void)
{
    umask(022);
    int fd = open("f.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    CHECK(write(fd, "0123456789", 10) == 10);

    /* dup shares the file offset. */
    int d = dup(fd);
    CHECK_SYS(d);
    CHECK(d != fd);
    CHECK(lseek(fd, 3, SEEK_SET) == 3);
    char c;
    CHECK(read(d, &c, 1) == 1 && c == '3');
    CHECK(lseek(fd, 0, SEEK_CUR) == 4);
    CHECK(fcntl(d, F_GETFD) == 0);

    /* dup2 onto a chosen number, onto itself, and with a bad target. */
    CHECK(dup2(fd, 50) == 50);
    CHECK(dup2(fd, fd) == fd);
    CHECK_ERR(dup2(fd, -1), EBADF);
    CHECK_ERR(dup2(1000000, 51), EBADF);
    CHECK(read(50, &c, 1) == 1 && c == '4');

    /* dup3 with O_CLOEXEC; dup3 onto itself is an error. */
    CHECK(dup3(fd, 51, O_CLOEXEC) == 51);
    CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_SYS(fcntl(51, F_SETFD, 0));
    CHECK(fcntl(51, F_GETFD) == 0);
    CHECK_SYS(fcntl(51, F_SETFD, FD_CLOEXEC));
    CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);

    /* F_DUPFD picks the lowest free number at or above the argument. */
    int e = fcntl(fd, F_DUPFD_CLOEXEC, 60);
    CHECK(e == 60);
    CHECK(fcntl(e, F_GETFD) == FD_CLOEXEC);
    int f = fcntl(fd, F_DUPFD, 60);
    CHECK(f == 61);
    CHECK(fcntl(f, F_GETFD) == 0);
    CHECK_SYS(close(50));
    CHECK(fcntl(fd, F_DUPFD, 50) == 50);

    /* File status flags are shared between duplicates. */
    int fl = fcntl(fd, F_GETFL);
    CHECK_SYS(fl);
    CHECK((fl & O_ACCMODE) == O_RDWR);
    CHECK(!(fl & O_APPEND));
    CHECK_SYS(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK));
    CHECK(fcntl(d, F_GETFL) & O_APPEND);
    CHECK(fcntl(e, F_GETFL) & O_NONBLOCK);
    CHECK(lseek(d, 0, SEEK_SET) == 0);
    CHECK(write(d, "A", 1) == 1);
    CHECK(lseek(fd, 0, SEEK_CUR) == 11);
    CHECK_SYS(fcntl(fd, F_SETFL, fl));
    CHECK(!(fcntl(e, F_GETFL) & O_APPEND));

    /* Classic record locks: our own lock never conflicts with us. */
    struct flock lk = lock_of(F_WRLCK, 0, 5);
    CHECK_SYS(fcntl(fd, F_SETLK, &lk));
    lk = lock_of(F_WRLCK, 0, 5);
    CHECK_SYS(fcntl(fd, F_GETLK, &lk));
    CHECK(lk.l_type == F_UNLCK);
    lk = lock_of(F_RDLCK, 2, 10);
    CHECK_SYS(fcntl(d, F_SETLKW, &lk));
    lk = lock_of(F_UNLCK, 0, 0);
    CHECK_SYS(fcntl(fd, F_SETLK, &lk));

    /* OFD locks conflict between separate open file descriptions. */
    int oa = open("f.txt", O_RDWR);
    int ob = open("f.txt", O_RDWR);
    CHECK_SYS(oa);
    CHECK_SYS(ob);
    lk = lock_of(F_WRLCK, 0, 10);
    CHECK_SYS(fcntl(oa, F_OFD_SETLK, &lk));
    lk = lock_of(F_RDLCK, 5, 1);
    CHECK_SYS(fcntl(ob, F_OFD_GETLK, &lk));
    CHECK(lk.l_type == F_WRLCK);
    CHECK(lk.l_start == 0 && lk.l_len == 10);
    CHECK(lk.l_pid == -1);
    lk = lock_of(F_RDLCK, 5, 1);
    errno = 0;
    CHECK(fcntl(ob, F_OFD_SETLK, &lk) == -1);
    CHECK(errno == EAGAIN || errno == EACCES);
    /* ...and with classic locks of the same process. */
    lk = lock_of(F_WRLCK, 9, 1);
    CHECK_SYS(fcntl(fd, F_GETLK, &lk));
    CHECK(lk.l_type == F_WRLCK && lk.l_pid == -1);
    lk = lock_of(F_UNLCK, 0, 0);
    CHECK_SYS(fcntl(oa, F_OFD_SETLK, &lk));
    lk = lock_of(F_RDLCK, 5, 1);
    CHECK_SYS(fcntl(ob, F_OFD_SETLK, &lk));
    CHECK_SYS(close(oa));
    CHECK_SYS(close(ob));

    /* Closed descriptors are reported as such. */
    CHECK_SYS(close(d));
    CHECK_ERR(fcntl(d, F_GETFD), EBADF);
    CHECK_ERR(dup(d), EBADF);
    CHECK_ERR(close(d), EBADF);
    for (int i = 50; i <= 51; i++)
        CHECK_SYS(close(i));
    CHECK_SYS(close(e));
    CHECK_SYS(close(f));

    CHECK(pread(fd, &c, 1, 0) == 1 && c == '0');
    CHECK(pread(fd, &c, 1, 10) == 1 && c == 'A');
    CHECK_SYS(close(fd));

    printf("descriptor checks passed\n");
    pass("dup_fcntl");
    return 0;
}
