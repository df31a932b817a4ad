/* Reads all of stdin in odd-sized reads and prints its size, line count, CRC-32 and first line. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/stat.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return crc;
}

int main(void)
{
    crc_init();
    unsigned char buf[1000];
    uint32_t crc = 0xffffffffu;
    size_t total = 0, lines = 0, reads = 0;
    char first[128];
    size_t first_len = 0;
    int first_done = 0;

    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        CHECK_SYS(n);
        if (n == 0)
            break;
        reads++;
        crc = crc_update(crc, buf, (size_t)n);
        for (ssize_t i = 0; i < n; i++) {
            if (!first_done) {
                if (buf[i] == '\n')
                    first_done = 1;
                else if (first_len < sizeof first - 1)
                    first[first_len++] = (char)buf[i];
            }
            if (buf[i] == '\n')
                lines++;
        }
        total += (size_t)n;
    }
    first[first_len] = '\0';
    CHECK(total > 0);
    /* Further reads at EOF keep returning 0. */
    CHECK(read(0, buf, sizeof buf) == 0);

    /* When stdin is a regular file its size matches what was read. */
    struct stat st;
    CHECK_SYS(fstat(0, &st));
    if (S_ISREG(st.st_mode))
        CHECK((size_t)st.st_size == total);

    printf("stdin: %zu bytes, %zu lines, crc32 %08x\n", total, lines, crc ^ 0xffffffffu);
    printf("first line: %s\n", first);
    pass("stdin_sum");
    return 0;
}
