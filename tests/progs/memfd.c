/* memfd_create: a file in memory, written, truncated, read back, mapped shared and read through the descriptor. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

int main(void)
{
    char buf[16] = { 0 };
    struct stat st;
    int fd = memfd_create("chorus-test", MFD_CLOEXEC);

    CHECK_SYS(fd);
    CHECK(write(fd, "hello memfd", 11) == 11);
    CHECK_SYS(ftruncate(fd, 4096));
    CHECK_SYS(fstat(fd, &st));
    CHECK(st.st_size == 4096);
    CHECK(pread(fd, buf, 11, 0) == 11 && memcmp(buf, "hello memfd", 11) == 0);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    memcpy(m, "HELLO", 5);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, buf, 11) == 11 && memcmp(buf, "HELLO memfd", 11) == 0);
    CHECK_SYS(munmap(m, 4096));
    CHECK_SYS(close(fd));
    printf("%.11s\n", buf);
    pass("memfd");
}
