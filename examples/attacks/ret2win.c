/*
 * ret2win.c - a stack buffer overflow.
 *
 * vuln() reads up to 512 bytes into a 64-byte buffer on the stack. What
 * follows the buffer (the saved frame pointer, then the return address) is
 * overwritten by the input, so whoever writes the input chooses where vuln()
 * returns. win() is never called by the program: an exploit that returns
 * into it creates the marker file named by argv[1].
 *
 * Build: gcc -O0 -g -fno-stack-protector -o ret2win ret2win.c
 */
#include <unistd.h>

#include "win.h"

void vuln(void)
{
	char buf[64];

	write(1, "input: ", 7);
	read(0, buf, 512); /* the bug: up to 512 bytes into 64 */
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	marker = argv[1];
	vuln();
	write(1, "bye\n", 4);
	return 0;
}
