/* The smallest case: print two lines through stdio and exit 0. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello, world\n");
    printf("argc %d\n", argc);
    printf("ok hello\n");
    return 0;
}
