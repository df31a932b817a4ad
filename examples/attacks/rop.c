/*
 * rop.c - a stack buffer overflow with nothing to return to.
 *
 * The same bug as ret2win.c (up to 512 bytes read into a 64-byte stack
 * buffer), but the program has no helpful function: an exploit has to
 * build its own code out of short instruction sequences ending in `ret`
 * ("gadgets") found in libc, here to call execve("/bin/sh", NULL, NULL).
 * The shell then reads its commands from the rest of standard input.
 * argv[1] (the marker path) is not used by the program itself.
 *
 * Build: gcc -O0 -g -fno-stack-protector -o rop rop.c
 */
#include <unistd.h>

void vuln(void)
{
	char buf[64];

	write(1, "input: ", 7);
	read(0, buf, 512); /* the bug: up to 512 bytes into 64 */
}

int main(void)
{
	vuln();
	write(1, "bye\n", 4);
	return 0;
}
