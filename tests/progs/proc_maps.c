/* /proc/self/maps describes this process: code, stack, heap, libc and a fresh mapping are where the program sees them. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>

struct region {
    uintptr_t start, end;
    char perms[5];
    char path[256];
};

static struct region regions[512];
static int nregions;

static void load_maps(void)
{
    size_t len;
    char *maps = read_whole_file("/proc/self/maps", &len);
    CHECK(maps != NULL && len > 0);
    nregions = 0;
    for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
        CHECK(nregions < (int)(sizeof regions / sizeof regions[0]));
        struct region *r = &regions[nregions];
        unsigned long s, e;
        int pathpos = 0;
        CHECK(sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &s, &e, r->perms, &pathpos) == 3);
        r->start = s;
        r->end = e;
        CHECK(r->start < r->end);
        snprintf(r->path, sizeof r->path, "%s", pathpos ? line + pathpos : "");
        nregions++;
    }
    free(maps);
}

static const struct region *find(const void *addr)
{
    uintptr_t a = (uintptr_t)addr;
    for (int i = 0; i < nregions; i++)
        if (regions[i].start <= a && a < regions[i].end)
            return &regions[i];
    return NULL;
}

int main(void)
{
    int local = 1;
    void *heap = malloc(64);
    CHECK(heap != NULL);
    const size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    char *fresh = mmap(NULL, 3 * ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK_SYS(fresh);

    load_maps();
    CHECK(nregions > 5);

    char exe[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n] = '\0';

    /* main() is in an executable mapping of our own binary. */
    const struct region *r = find((void *)(uintptr_t)main);
    CHECK(r != NULL);
    CHECK(r->perms[0] == 'r' && r->perms[2] == 'x');
    CHECK(strcmp(r->path, exe) == 0);
    printf("main is in an r-x mapping of the program\n");

    /* printf is in an executable mapping of libc. */
    r = find((void *)(uintptr_t)printf);
    CHECK(r != NULL);
    CHECK(r->perms[2] == 'x');
    CHECK(strstr(r->path, "libc") != NULL);
    printf("printf is in an r-x mapping of libc\n");

    /* A local variable is on the [stack], writable. */
    r = find(&local);
    CHECK(r != NULL);
    CHECK(strcmp(r->path, "[stack]") == 0);
    CHECK(r->perms[0] == 'r' && r->perms[1] == 'w');
    printf("a local variable is on the stack\n");

    /* A small malloc block is in the [heap]. */
    r = find(heap);
    CHECK(r != NULL);
    CHECK(strcmp(r->path, "[heap]") == 0);
    printf("a small malloc block is on the heap\n");

    /* Our fresh read-only mapping is listed exactly with its size and permissions. */
    r = find(fresh);
    CHECK(r != NULL);
    CHECK(r->start <= (uintptr_t)fresh && r->end >= (uintptr_t)fresh + 3 * ps);
    CHECK(strncmp(r->perms, "r--p", 4) == 0);
    CHECK(find(fresh + ps) == r);
    printf("a new r--p anonymous mapping is listed\n");

    /* After munmap it is gone; after mprotect the permissions change. */
    CHECK_SYS(mprotect(fresh + ps, ps, PROT_READ | PROT_WRITE));
    load_maps();
    r = find(fresh + ps);
    CHECK(r != NULL && strncmp(r->perms, "rw-p", 4) == 0);
    CHECK(r->start == (uintptr_t)fresh + ps && r->end == (uintptr_t)fresh + 2 * ps);
    CHECK_SYS(munmap(fresh, 3 * ps));
    load_maps();
    CHECK(find(fresh) == NULL && find(fresh + ps) == NULL && find(fresh + 2 * ps) == NULL);
    printf("mprotect and munmap show up in the maps\n");

    free(heap);
    pass("proc_maps");
    return 0;
}
