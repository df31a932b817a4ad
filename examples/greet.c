/*
 * greet.c - a greeter with a format-string bug, for the chorus demo.
 *
 * It reads a name from standard input and hands it to printf as the
 * format. A name such as "%p %p %p %p" makes printf print whatever is in
 * the registers and on the stack where its arguments would be: pointers
 * into the stack, the heap and the libraries. Those addresses are the
 * secrets address space layout randomisation keeps, and an attacker who
 * learns them can aim the next stage of an exploit.
 *
 * Under chorus each variant has its own layout, so the leaked text differs
 * between the variants and the write that would leak it never happens.
 *
 * Build: cc -O1 -g -Wno-format-security -o greet greet.c
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[256];

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	line[strcspn(line, "\n")] = '\0';
	printf("hello, ");
	printf(line); /* the bug: the input is the format */
	printf("!\n");
	return 0;
}
