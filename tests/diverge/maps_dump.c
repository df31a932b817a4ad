/* expect: chorus: divergence: .*write */
/* Copies /proc/self/maps to stdout: each variant has its own layout, so the writes differ. */
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char buf[65536];
    int fd = open("/proc/self/maps", O_RDONLY);
    if (fd < 0)
        return 2;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (write(1, buf, (size_t)n) != n)
            return 3;
    close(fd);
    return 0;
}
