/* Checking helpers shared by the self-checking test programs in tests/progs. */
#ifndef CHORUS_TEST_CHECK_H
#define CHORUS_TEST_CHECK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Report a failed check and exit with status 1. */
static inline __attribute__((noreturn)) void
check_failed(const char *file, int line, const char *what, int err)
{
    fflush(stdout);
    if (err)
        fprintf(stderr, "FAIL %s:%d: %s (errno %d: %s)\n", file, line, what,
                err, strerror(err));
    else
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    exit(1);
}

/* CHECK(cond): cond must hold. */
#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond))                                                       \
            check_failed(__FILE__, __LINE__, #cond, 0);                    \
    } while (0)

/* CHECK_SYS(expr): a system call style expression must not return -1. */
#define CHECK_SYS(expr)                                                    \
    do {                                                                   \
        errno = 0;                                                         \
        if ((long)(expr) == -1L)                                           \
            check_failed(__FILE__, __LINE__, #expr, errno);                \
    } while (0)

/* CHECK_ERR(expr, e): expr must fail with -1 and errno e. */
#define CHECK_ERR(expr, e)                                                 \
    do {                                                                   \
        errno = 0;                                                         \
        long check_rv_ = (long)(expr);                                     \
        if (check_rv_ != -1L || errno != (e))                              \
            check_failed(__FILE__, __LINE__, #expr " should fail with " #e, \
                         errno);                                           \
    } while (0)

/* CHECK_PT(expr): a pthread call must return 0 (it returns the error number). */
#define CHECK_PT(expr)                                                     \
    do {                                                                   \
        int pt_rv_ = (expr);                                               \
        if (pt_rv_ != 0)                                                   \
            check_failed(__FILE__, __LINE__, #expr, pt_rv_);               \
    } while (0)

/* Print the final "ok NAME" line and flush it. */
static inline void pass(const char *name)
{
    printf("ok %s\n", name);
    fflush(stdout);
}

/* Write all of buf to fd, retrying short writes; returns 0 or -1. */
static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
static inline char *read_whole_file(const char *path, size_t *lenp)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    buf[len] = '\0';
    if (lenp)
        *lenp = len;
    return buf;
}

/* Monotonic time in nanoseconds. */
static inline int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* 64-bit FNV-1a hash, for printing deterministic digests. */
static inline uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define FNV1A_INIT 0xcbf29ce484222325ULL

#endif
