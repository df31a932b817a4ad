/* Pipes within one process: pipe/pipe2 flags, fill to capacity, FIONREAD, EOF, EPIPE, F_SETPIPE_SZ, splice. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

int main(void)
{
    umask(022);
    int p[2];
    CHECK_SYS(pipe2(p, O_CLOEXEC | O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
    CHECK((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
    struct stat st;
    CHECK_SYS(fstat(p[0], &st));
    CHECK(S_ISFIFO(st.st_mode));

    /* Empty non-blocking pipe: EAGAIN. */
    char buf[256];
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);

    /* Write then read back. */
    CHECK(write(p[1], "message", 7) == 7);
    int avail = -1;
    CHECK_SYS(ioctl(p[0], FIONREAD, &avail));
    CHECK(avail == 7);
    CHECK(read(p[0], buf, 3) == 3 && memcmp(buf, "mes", 3) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 4 && memcmp(buf, "sage", 4) == 0);

    /* Shrink the pipe, fill it to capacity, then drain and verify. */
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 8192) >= 8192);
    int cap = fcntl(p[1], F_GETPIPE_SZ);
    CHECK(cap == 8192);
    unsigned char chunk[1024];
    size_t total = 0;
    for (;;) {
        for (size_t i = 0; i < sizeof chunk; i++)
            chunk[i] = (unsigned char)((total + i) % 251);
        ssize_t n = write(p[1], chunk, sizeof chunk);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        total += (size_t)n;
        CHECK(total <= 1u << 20);
    }
    CHECK(total == (size_t)cap);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(p[0], chunk, sizeof chunk);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        for (ssize_t i = 0; i < n; i++)
            CHECK(chunk[i] == (unsigned char)((got + (size_t)i) % 251));
        got += (size_t)n;
    }
    CHECK(got == total);

    /* Closing the write end gives EOF. */
    CHECK(write(p[1], "tail", 4) == 4);
    CHECK_SYS(close(p[1]));
    CHECK(read(p[0], buf, sizeof buf) == 4);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    CHECK_SYS(close(p[0]));

    /* Closing the read end gives EPIPE (SIGPIPE ignored). */
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    CHECK_SYS(pipe(p));
    CHECK(fcntl(p[0], F_GETFD) == 0);
    CHECK_SYS(close(p[0]));
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_SYS(close(p[1]));

    /* A blocking pipe with data ready does not block. */
    CHECK_SYS(pipe(p));
    CHECK(write(p[1], "blocking", 8) == 8);
    CHECK(read(p[0], buf, sizeof buf) == 8);

    /* splice moves pipe data into a file. */
    int fd = open("spliced.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    const char text[] = "spliced through a pipe\n";
    CHECK(write(p[1], text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
    CHECK(splice(p[0], NULL, fd, NULL, sizeof text - 1, 0) == (ssize_t)(sizeof text - 1));
    CHECK_SYS(close(fd));
    size_t len;
    char *s = read_whole_file("spliced.txt", &len);
    CHECK(s && len == sizeof text - 1 && memcmp(s, text, len) == 0);
    free(s);
    CHECK_SYS(close(p[0]));
    CHECK_SYS(close(p[1]));

    printf("pipe checks passed\n");
    pass("pipe");
    return 0;
}
