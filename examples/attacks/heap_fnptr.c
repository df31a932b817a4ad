/*
 * heap_fnptr.c - a heap buffer overflow into a function pointer.
 *
 * Two objects are allocated one after the other: a 32-byte note and a
 * printer holding a function pointer. glibc's malloc places them next to
 * each other (a 0x30-byte chunk, then a 0x20-byte one), so reading 256
 * bytes into the note runs over the printer's chunk header and its
 * function pointer, which the program calls next. win() is never called by
 * the program: it creates the marker file named by argv[1].
 *
 * Build: gcc -O0 -g -o heap_fnptr heap_fnptr.c
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "win.h"

struct note {
	char text[32];
};

struct printer {
	void (*print)(const char *text);
};

static void say(const char *text)
{
	write(1, "noted: ", 7);
	write(1, text, strnlen(text, sizeof(struct note)));
	write(1, "\n", 1);
}

int main(int argc, char **argv)
{
	struct note *note;
	struct printer *printer;

	if (argc < 2)
		return 2;
	marker = argv[1];
	note = malloc(sizeof(*note));
	printer = malloc(sizeof(*printer));
	if (!note || !printer)
		return 1;
	printer->print = say;
	write(1, "note: ", 6);
	read(0, note->text, 256); /* the bug: up to 256 bytes into 32 */
	printer->print(note->text);
	return 0;
}
