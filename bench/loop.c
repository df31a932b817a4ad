/* loop.c - makes one syscall N times: the per-syscall cost under a monitor. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;
	int fd = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: loop getppid|write N\n");
		return 2;
	}
	if (strcmp(argv[1], "write") == 0 && (fd = open("/dev/null", O_WRONLY)) < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		if (fd >= 0)
			syscall(SYS_write, fd, "x", 1);
		else
			syscall(SYS_getppid);
	}
	return 0;
}
