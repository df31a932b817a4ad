/* File mappings: read-only private mmap, MAP_SHARED writes seen by read() and msync, write() seen in the map. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static unsigned char pattern(size_t i)
{
    return (unsigned char)((i * 7 + i / 251) & 0xff);
}

int main(void)
{
    umask(022);
    const size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    const size_t size = 3 * ps + 100;

    unsigned char *data = malloc(size);
    CHECK(data != NULL);
    for (size_t i = 0; i < size; i++)
        data[i] = pattern(i);
    int fd = open("map.dat", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    CHECK(write_all(fd, data, size) == 0);
    CHECK_SYS(close(fd));

    /* Read-only private mapping of the whole file and of a later page. */
    fd = open("map.dat", O_RDONLY);
    CHECK_SYS(fd);
    unsigned char *ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK_SYS(ro);
    CHECK(memcmp(ro, data, size) == 0);
    /* The tail of the last page past end of file reads as zeros. */
    for (size_t i = size; i < 4 * ps; i++)
        CHECK(ro[i] == 0);
    unsigned char *ro2 = mmap(NULL, ps, PROT_READ, MAP_PRIVATE, fd, (off_t)(2 * ps));
    CHECK_SYS(ro2);
    CHECK(memcmp(ro2, data + 2 * ps, ps) == 0);
    CHECK_ERR(mmap(NULL, ps, PROT_READ, MAP_PRIVATE, fd, 1), EINVAL);
    /* A read-only descriptor cannot back a writable shared mapping. */
    CHECK_ERR(mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
    CHECK_SYS(munmap(ro2, ps));

    /* A private writable copy does not change the file. */
    unsigned char *cow = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK_SYS(cow);
    memset(cow, 'P', 64);
    unsigned char check[64];
    CHECK(pread(fd, check, 64, 0) == 64);
    CHECK(memcmp(check, data, 64) == 0);
    CHECK(ro[0] == data[0]);
    CHECK_SYS(munmap(cow, ps));
    CHECK_SYS(munmap(ro, size));
    CHECK_SYS(close(fd));

    /* Shared writable mapping: stores reach the file. */
    fd = open("map.dat", O_RDWR);
    CHECK_SYS(fd);
    unsigned char *sh = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK_SYS(sh);
    const char note[] = "written through the mapping";
    memcpy(sh + 100, note, sizeof note - 1);
    sh[ps + 5] = 'Q';
    CHECK_SYS(msync(sh, 2 * ps, MS_SYNC));
    char back[64];
    CHECK(pread(fd, back, sizeof note - 1, 100) == (ssize_t)(sizeof note - 1));
    CHECK(memcmp(back, note, sizeof note - 1) == 0);
    CHECK(pread(fd, back, 1, (off_t)ps + 5) == 1 && back[0] == 'Q');

    /* ...and write() to the file shows up in the mapping. */
    CHECK(pwrite(fd, "via write", 9, (off_t)ps + 10) == 9);
    CHECK(memcmp(sh + ps + 10, "via write", 9) == 0);
    CHECK(lseek(fd, 200, SEEK_SET) == 200);
    CHECK(write(fd, "seq", 3) == 3);
    CHECK(memcmp(sh + 200, "seq", 3) == 0);

    /* Growing the file makes a later shared page usable. */
    unsigned char *sh3 = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)(4 * ps));
    CHECK_SYS(sh3);
    CHECK_SYS(ftruncate(fd, (off_t)(5 * ps)));
    memcpy(sh3, "grown", 5);
    CHECK_SYS(msync(sh3, ps, MS_ASYNC));
    CHECK(pread(fd, back, 5, (off_t)(4 * ps)) == 5 && memcmp(back, "grown", 5) == 0);
    CHECK_SYS(munmap(sh3, ps));
    CHECK_SYS(munmap(sh, 2 * ps));

    /* Mapping stays valid after the descriptor is closed. */
    sh = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK_SYS(sh);
    CHECK_SYS(close(fd));
    memcpy(sh, "HEAD", 4);
    CHECK_SYS(msync(sh, ps, MS_SYNC));
    CHECK_SYS(munmap(sh, ps));

    size_t len;
    char *all = read_whole_file("map.dat", &len);
    CHECK(all != NULL);
    CHECK(len == 5 * ps);
    CHECK(memcmp(all, "HEAD", 4) == 0);
    printf("map.dat: %zu pages, fnv %016llx\n", len / ps,
           (unsigned long long)fnv1a(FNV1A_INIT, all, len));
    free(all);
    free(data);
    pass("mmap_file");
    return 0;
}
