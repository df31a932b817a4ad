/* expect: chorus: divergence: .*write\(3, */
/*
 * Writes the address of a stack variable to /dev/null: each variant's
 * kernel makes a write to /dev/null itself, but what it writes is compared
 * first all the same.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int local = 0;
    char line[64];
    int fd = open("/dev/null", O_WRONLY);
    int n = snprintf(line, sizeof(line), "stack variable at %p\n", (void *)&local);

    if (fd != 3 || write(fd, "same in all\n", 12) != 12)
        return 1;
    return write(fd, line, (size_t)n) == n ? 0 : 1;
}
