/* Randomness: getrandom (flags, sizes) and /dev/urandom reads return full lengths and fresh bytes each draw; long reads of /dev/urandom and /dev/zero come back whole. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

int main(void)
{
    unsigned char a[32], b[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK(getrandom(a, sizeof a, 0) == sizeof a);
    CHECK(getrandom(b, sizeof b, 0) == sizeof b);
    CHECK(!all_zero(a, sizeof a) && !all_zero(b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK(getrandom(a, sizeof a, GRND_NONBLOCK) == sizeof a);
    CHECK(getrandom(a, 0, 0) == 0);
    CHECK_ERR(getrandom(a, sizeof a, 0x4000), EINVAL);

    /* Up to 256 bytes are always returned in one call; larger requests fill up in a loop. */
    unsigned char big[256];
    CHECK(getrandom(big, sizeof big, 0) == sizeof big);
    size_t total = 1u << 20, got = 0;
    unsigned char *huge = malloc(total);
    CHECK(huge != NULL);
    while (got < total) {
        ssize_t n = getrandom(huge + got, total - got, 0);
        CHECK(n > 0);
        got += (size_t)n;
    }
    int counts[256] = { 0 };
    for (size_t i = 0; i < total; i++)
        counts[huge[i]]++;
    for (int v = 0; v < 256; v++)
        CHECK(counts[v] > 3000 && counts[v] < 5200);
    free(huge);

    /* /dev/urandom is a character device giving fresh bytes per read. */
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    CHECK_SYS(fd);
    struct stat st;
    CHECK_SYS(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 9);
    unsigned char u1[64], u2[64];
    CHECK(read(fd, u1, sizeof u1) == sizeof u1);
    CHECK(read(fd, u2, sizeof u2) == sizeof u2);
    CHECK(memcmp(u1, u2, sizeof u1) != 0);
    CHECK(!all_zero(u1, sizeof u1));
    unsigned char blk[65536];
    CHECK(read(fd, blk, sizeof blk) == sizeof blk);
    CHECK_SYS(close(fd));

    /*
     * Long reads come back whole: natively no signal is pending to cut them
     * short, and none of chorus's own may (quick calls first, so that the
     * monitor keeps this process on its CPU and its timer runs).
     */
    static unsigned char mib[1 << 20];
    int z = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    CHECK_SYS(z);
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    CHECK_SYS(fd);
    for (int round = 0; round < 40; round++) {
        for (int k = 0; k < 50; k++)
            getppid();
        CHECK(read(fd, mib, sizeof mib) == sizeof mib);
        CHECK(read(z, mib, sizeof mib) == sizeof mib);
    }
    CHECK(all_zero(mib, sizeof mib));
    CHECK_SYS(close(z));
    CHECK_SYS(close(fd));

    /* /dev/random does not block on a modern kernel once seeded. */
    fd = open("/dev/random", O_RDONLY | O_NONBLOCK);
    CHECK_SYS(fd);
    CHECK(read(fd, u1, 16) == 16);
    CHECK_SYS(close(fd));

    printf("random draws have the right lengths and differ\n");
    pass("random");
    return 0;
}
