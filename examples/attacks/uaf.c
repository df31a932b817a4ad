/*
 * uaf.c - a use after free.
 *
 * A session object holding a function pointer is freed when the session
 * ends, but the program keeps the pointer and calls through it later. In
 * between, a message buffer of the same size is allocated and filled from
 * standard input: glibc's malloc hands back the chunk just freed (from the
 * tcache), so the message overwrites the old session's function pointer.
 * win() is never called by the program: it creates the marker file named
 * by argv[1].
 *
 * Build: gcc -O0 -g -o uaf uaf.c
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "win.h"

struct session {
	void (*on_close)(struct session *s);
	char user[24];
};

static void goodbye(struct session *s)
{
	write(1, "bye, ", 5);
	write(1, s->user, strnlen(s->user, sizeof(s->user)));
	write(1, "\n", 1);
}

int main(int argc, char **argv)
{
	struct session *s;
	char *msg;

	if (argc < 2)
		return 2;
	marker = argv[1];
	s = malloc(sizeof(*s));
	if (!s)
		return 1;
	s->on_close = goodbye;
	strcpy(s->user, "guest");
	free(s); /* the session ends, but s is still used below */

	msg = malloc(sizeof(struct session)); /* gets the chunk s had */
	if (!msg)
		return 1;
	write(1, "message: ", 9);
	read(0, msg, sizeof(struct session));
	s->on_close(s); /* the bug: a call through freed memory */
	return 0;
}
