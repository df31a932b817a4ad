/*
 * fmtstr.c - a format-string bug.
 *
 * The input is passed to printf as its format. Besides printing what lies
 * where printf's arguments would be, a format can write: %hn stores the
 * number of characters printed so far (16 bits) at the address found in a
 * given argument, and the input itself, on the stack, supplies those
 * addresses. An exploit uses it to rewrite the function pointer `at_end`
 * (a global in .data) so that the program's final call goes to win(),
 * which the program never calls: it creates the marker file named by
 * argv[1].
 *
 * Build: gcc -O0 -g -Wno-format-security -o fmtstr fmtstr.c
 */
#include <stdio.h>
#include <unistd.h>

#include "win.h"

void goodbye(void)
{
	printf("bye\n");
}

void (*at_end)(void) = goodbye;

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;

	if (argc < 2)
		return 2;
	marker = argv[1];
	printf("name: ");
	fflush(stdout);
	n = read(0, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	printf("hello, ");
	printf(buf); /* the bug: the input is the format */
	printf("\n");
	fflush(stdout);
	at_end();
	return 0;
}
