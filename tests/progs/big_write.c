/* Large writes: 1 MiB of text to a file (one write and uneven chunks) and to stdout in several writes. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>

#define MIB (1024 * 1024)

/* 1 MiB of numbered text lines, cut at exactly 1 MiB. */
static char *make_text(void)
{
    char *buf = malloc(MIB + 128);
    CHECK(buf != NULL);
    size_t len = 0;
    for (int i = 0; len < MIB; i++)
        len += (size_t)sprintf(buf + len, "line %06d the quick brown fox jumps over the lazy dog %d\n", i, i % 97);
    buf[MIB - 1] = '\n';
    return buf;
}

/* Write buf in the given chunk sizes (cycling), retrying short writes. */
static void write_chunks(int fd, const char *buf, size_t len, const size_t *sizes, size_t nsizes)
{
    size_t off = 0, k = 0;
    while (off < len) {
        size_t want = sizes[k++ % nsizes];
        if (want > len - off)
            want = len - off;
        CHECK(write_all(fd, buf + off, want) == 0);
        off += want;
    }
}

int main(void)
{
    umask(022);
    char *text = make_text();

    /* One single 1 MiB write. */
    int fd = open("one.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    ssize_t n = write(fd, text, MIB);
    CHECK(n == MIB);
    CHECK_SYS(close(fd));

    /* Uneven chunks. */
    const size_t sizes[] = { 65536, 1, 4095, 100000, 7, 300000 };
    fd = open("chunks.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    write_chunks(fd, text, MIB, sizes, sizeof sizes / sizeof sizes[0]);
    struct stat st;
    CHECK_SYS(fstat(fd, &st));
    CHECK(st.st_size == MIB);

    /* Read it back in one go and compare. */
    char *back = malloc(MIB);
    CHECK(back != NULL);
    CHECK(pread(fd, back, MIB, 0) == MIB);
    CHECK(memcmp(back, text, MIB) == 0);
    CHECK_SYS(close(fd));

    size_t len;
    char *one = read_whole_file("one.txt", &len);
    CHECK(one && len == MIB && memcmp(one, text, MIB) == 0);
    free(one);

    /* The same megabyte on stdout, in several writes of different sizes. */
    const size_t out_sizes[] = { 3000, 70000, 1, 262144, 12345 };
    write_chunks(1, text, MIB, out_sizes, sizeof out_sizes / sizeof out_sizes[0]);

    printf("wrote 1 MiB to two files and to stdout, fnv %016llx\n",
           (unsigned long long)fnv1a(FNV1A_INIT, text, MIB));
    free(back);
    free(text);
    pass("big_write");
    return 0;
}
