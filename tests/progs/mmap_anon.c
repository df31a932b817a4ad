/* Anonymous memory: mmap/munmap/mprotect/mremap/madvise/MAP_FIXED on private anonymous mappings. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>

int main(void)
{
    const size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    int pfd[2];
    CHECK_SYS(pipe(pfd));

    /* Fresh anonymous memory is zeroed and writable. */
    unsigned char *p = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_SYS(p);
    CHECK(((uintptr_t)p & (ps - 1)) == 0);
    for (size_t i = 0; i < 4 * ps; i++)
        CHECK(p[i] == 0);
    for (size_t i = 0; i < 4 * ps; i++)
        p[i] = (unsigned char)(i % 253);

    /* PROT_NONE: the kernel refuses to read from it (EFAULT, no signal). */
    CHECK_SYS(mprotect(p + ps, ps, PROT_NONE));
    CHECK_ERR(write(pfd[1], p + ps, 16), EFAULT);
    CHECK(write(pfd[1], p, 16) == 16);
    unsigned char tmp[16];
    CHECK(read(pfd[0], tmp, 16) == 16 && memcmp(tmp, p, 16) == 0);
    /* PROT_READ: the kernel cannot store into it. */
    CHECK_SYS(mprotect(p + 2 * ps, ps, PROT_READ));
    CHECK(write(pfd[1], "0123456789abcdef", 16) == 16);
    CHECK_ERR(read(pfd[0], p + 2 * ps, 16), EFAULT);
    CHECK(read(pfd[0], tmp, 16) == 16);
    /* Back to read-write: contents survived. */
    CHECK_SYS(mprotect(p + ps, 2 * ps, PROT_READ | PROT_WRITE));
    for (size_t i = 0; i < 4 * ps; i++)
        CHECK(p[i] == (unsigned char)(i % 253));
    CHECK_ERR(mprotect(p + 1, ps, PROT_READ), EINVAL);

    /* Unmapping a page in the middle leaves a hole. */
    CHECK_SYS(munmap(p + 2 * ps, ps));
    CHECK_ERR(msync(p + 2 * ps, ps, MS_ASYNC), ENOMEM);
    CHECK_ERR(write(pfd[1], p + 2 * ps, 8), EFAULT);
    CHECK_SYS(msync(p + 3 * ps, ps, MS_ASYNC));
    CHECK(p[3 * ps] == (unsigned char)((3 * ps) % 253));
    CHECK_SYS(munmap(p, 4 * ps));

    /* mremap grows (maybe moving) and keeps contents, then shrinks in place. */
    unsigned char *r = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_SYS(r);
    memset(r, 'r', 2 * ps);
    unsigned char *r2 = mremap(r, 2 * ps, 8 * ps, MREMAP_MAYMOVE);
    CHECK_SYS(r2);
    for (size_t i = 0; i < 2 * ps; i++)
        CHECK(r2[i] == 'r');
    for (size_t i = 2 * ps; i < 8 * ps; i++)
        CHECK(r2[i] == 0);
    r2[8 * ps - 1] = 'e';
    unsigned char *r3 = mremap(r2, 8 * ps, ps, 0);
    CHECK(r3 == r2);
    CHECK(r3[0] == 'r');
    CHECK_ERR(mremap(r3, ps, 2 * ps, MREMAP_FIXED), EINVAL);

    /* madvise: DONTNEED on private anonymous memory drops the contents. */
    CHECK_SYS(madvise(r3, ps, MADV_WILLNEED));
    CHECK_SYS(madvise(r3, ps, MADV_NORMAL));
    CHECK_SYS(madvise(r3, ps, MADV_DONTNEED));
    CHECK(r3[0] == 0 && r3[ps - 1] == 0);
    CHECK_ERR(madvise(r3, ps, 12345), EINVAL);
    CHECK_SYS(munmap(r3, ps));

    /* MAP_FIXED replaces one page inside a mapping we own. */
    unsigned char *x = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_SYS(x);
    memset(x, 'x', 3 * ps);
    unsigned char *mid = mmap(x + ps, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(mid == x + ps);
    CHECK(x[ps - 1] == 'x' && x[ps] == 0 && x[2 * ps - 1] == 0 && x[2 * ps] == 'x');
    CHECK_ERR(mmap(x, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
    CHECK_SYS(munmap(x, 3 * ps));

    /* A large sparse mapping, touched every MiB. */
    const size_t big = 64u << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK_SYS(b);
    for (size_t off = 0; off < big; off += 1u << 20)
        b[off] = (unsigned char)(off >> 20);
    unsigned sum = 0;
    for (size_t off = 0; off < big; off += 1u << 20)
        sum += b[off];
    CHECK(sum == 63 * 64 / 2);
    CHECK_SYS(munmap(b, big));

    CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR(munmap((void *)(uintptr_t)1, ps), EINVAL);

    printf("anonymous memory checks passed\n");
    pass("mmap_anon");
    return 0;
}
