/*
 * win.h - what a successful attack reaches: win(), a function the program
 * never calls, creates the marker file named by argv[1] (kept in marker).
 */
#ifndef WIN_H
#define WIN_H
#include <fcntl.h>
#include <unistd.h>

static const char *marker;

void win(void)
{
	int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		write(fd, "owned\n", 6);
		close(fd);
	}
	_exit(0);
}
#endif
