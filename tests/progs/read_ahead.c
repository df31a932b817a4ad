/*
 * Reads of a regular file, /dev/zero and /dev/urandom in many small steps,
 * with CPU work of a different length between them, so that the leader
 * runs ahead of the other variants: read and pread at every size from 1 to
 * 64 bytes, reads across and past the end, a read into a bad buffer,
 * lseek between reads, writes to the file after reads made ahead, and
 * coarse clock reads between them (the same values in every variant).
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

static unsigned long spin(unsigned long n)
{
    volatile unsigned long x = 0;

    for (unsigned long i = 0; i < n; i++)
        x += i * 2654435761u;
    return x;
}

int main(void)
{
    char buf[256], want[256];
    unsigned long sum = 0, clocks = 0;

    int fd = open("ahead.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    for (int i = 0; i < 64; i++) {
        for (int k = 0; k < 256; k++)
            buf[k] = (char)(i * 7 + k);
        CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    }
    CHECK(lseek(fd, 0, SEEK_SET) == 0);

    /* Read the whole file in steps of 1 to 64 bytes; some steps spin. */
    off_t off = 0;
    for (int step = 0; off < 64 * 256; step++) {
        size_t n = (size_t)(step % 64) + 1;
        ssize_t r = read(fd, buf, n);

        CHECK(r > 0 && (size_t)r <= n);
        for (ssize_t k = 0; k < r; k++)
            CHECK(buf[k] == (char)(((off + k) / 256) * 7 + (off + k) % 256));
        off += r;
        if (step % 3 == 0) { /* a coarse clock read alone, between two reads the leader made ahead */
            struct timespec ts;

            CHECK_SYS(clock_gettime(CLOCK_MONOTONIC_COARSE, &ts));
            clocks = clocks * 31 + (unsigned long)ts.tv_nsec;
        }
        if (step % 5 == 0)
            sum += spin((unsigned long)(step % 7) * 20000);
    }
    CHECK(read(fd, buf, 10) == 0);

    /* pread at every offset near the end, past the end, then an lseek. */
    for (int k = 0; k < 40; k++) {
        ssize_t r = pread(fd, buf, 32, 64 * 256 - 20 + k);

        CHECK(r == (k <= 20 ? 20 - k : 0));
    }
    CHECK(lseek(fd, 1000, SEEK_SET) == 1000);
    CHECK(read(fd, buf, 4) == 4 && buf[0] == (char)(3 * 7 + 1000 % 256));

    /* A bad buffer: EFAULT, in every variant, and the offset stays. */
    void *volatile bad = (void *)8;
    errno = 0;
    CHECK(read(fd, bad, 16) == -1 && errno == EFAULT);
    CHECK(lseek(fd, 0, SEEK_CUR) == 1004);

    /* A write after reads made ahead lands where the reads left the offset. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, buf, 100) == 100);
    CHECK(write(fd, "chorus", 6) == 6);
    CHECK(pread(fd, buf, 6, 100) == 6 && memcmp(buf, "chorus", 6) == 0);
    CHECK_SYS(close(fd));

    /* /dev/zero, and /dev/urandom: the same bytes in every variant. */
    int z = open("/dev/zero", O_RDONLY);
    CHECK_SYS(z);
    memset(want, 0, sizeof want);
    for (int i = 0; i < 50; i++) {
        memset(buf, 1, sizeof buf);
        CHECK(read(z, buf, sizeof buf) == (ssize_t)sizeof buf && memcmp(buf, want, sizeof buf) == 0);
    }
    CHECK_SYS(close(z));
    int u = open("/dev/urandom", O_RDONLY);
    CHECK_SYS(u);
    unsigned long mix = 0;
    for (int i = 0; i < 50; i++) {
        CHECK(read(u, buf, 16) == 16);
        for (int k = 0; k < 16; k++)
            mix = mix * 131 + (unsigned char)buf[k];
        if (i % 10 == 0)
            sum += spin(30000);
    }
    CHECK_SYS(close(u));
    /* Each variant writes what it read to /dev/null: the monitor compares it. */
    int null = open("/dev/null", O_WRONLY);
    CHECK_SYS(null);
    CHECK(write(null, &mix, sizeof mix) == (ssize_t)sizeof mix);
    CHECK(write(null, &sum, sizeof sum) == (ssize_t)sizeof sum);
    CHECK(write(null, &clocks, sizeof clocks) == (ssize_t)sizeof clocks);
    CHECK_SYS(close(null));
    pass("read_ahead");
}
