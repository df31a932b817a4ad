/* Under chorus, a variant cannot open another process's memory by pid (its parent's: the monitor's or a twin's). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    int other, self;

    snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
    other = open(path, O_RDWR);
    self = open("/proc/self/mem", O_RDONLY);
    printf("other: %s, self: %s\n", other < 0 ? "refused" : "opened", self < 0 ? "refused" : "opened");
    return 0;
}
