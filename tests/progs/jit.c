/*
 * Code made at run time: a JIT-style buffer written, then made executable
 * with mprotect and called; a second one mapped writable and executable at
 * once; and a library loaded with dlopen. Each variant's new code lies
 * apart from every other variant's.
 */
#define _GNU_SOURCE
#include "check.h"

#include <dlfcn.h>
#include <sys/mman.h>

static const unsigned char ret42[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 }; /* mov eax, 42; ret */
static const unsigned char ret7[] = { 0xb8, 0x07, 0x00, 0x00, 0x00, 0xc3 };  /* mov eax, 7; ret */

int main(void)
{
    unsigned char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void *lib;
    double (*cosine)(double);

    CHECK(a != MAP_FAILED && b != MAP_FAILED);
    memcpy(a, ret42, sizeof(ret42));
    CHECK(mprotect(a, 4096, PROT_READ | PROT_EXEC) == 0);
    memcpy(b, ret7, sizeof(ret7));
    printf("mprotect'ed code returns %d\n", ((int (*)(void))(void *)a)());
    printf("rwx code returns %d\n", ((int (*)(void))(void *)b)());
    lib = dlopen("libm.so.6", RTLD_NOW);
    CHECK(lib != NULL);
    *(void **)&cosine = dlsym(lib, "cos");
    CHECK(cosine != NULL);
    printf("cos(0) = %.1f\n", cosine(0.0));
    CHECK(dlclose(lib) == 0);
    CHECK(munmap(a, 4096) == 0 && munmap(b, 4096) == 0);
    pass("jit");
    return 0;
}
