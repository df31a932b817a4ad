/*
 * Memory protection keys (V8 in node uses them): a key is allocated, a
 * page tagged with it, access to it turned off and on again through the
 * PKRU register, the key freed. Without the CPU feature every step says so.
 */
#define _GNU_SOURCE
#include "check.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf back;

static void on_segv(int s)
{
    (void)s;
    siglongjmp(back, 1);
}

/* Reads a byte; 1 if the read faulted. */
static int faults(volatile char *p)
{
    if (sigsetjmp(back, 1))
        return 1;
    (void)*p;
    return 0;
}

int main(void)
{
    struct sigaction sa;
    char *page;
    int key;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    CHECK_SYS(sigaction(SIGSEGV, &sa, NULL));
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    page[0] = 'x';
    key = pkey_alloc(0, 0);
    if (key < 0) {
        printf("pkey_alloc: %s\n", strerror(errno));
        pass("pkey");
        return 0;
    }
    printf("key allocated: %s\n", key > 0 ? "yes" : "no");
    CHECK_SYS(pkey_mprotect(page, 4096, PROT_READ | PROT_WRITE, key));
    printf("read with access on: %s\n", faults(page) ? "fault" : "ok");
    CHECK_SYS(pkey_set(key, PKEY_DISABLE_ACCESS));
    printf("read with access off: %s\n", faults(page) ? "fault" : "ok");
    CHECK_SYS(pkey_set(key, 0));
    printf("read with access on again: %s\n", faults(page) ? "fault" : "ok");
    CHECK_SYS(pkey_mprotect(page, 4096, PROT_READ | PROT_WRITE, 0));
    CHECK_SYS(pkey_free(key));
    pass("pkey");
    return 0;
}
