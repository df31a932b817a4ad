/* Files with no name: tmpfile(3), open with O_TMPFILE (read-write and write-only), one given a name with linkat. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* An unnamed file in ".", written, read back and mapped. */
static void unnamed(int flags)
{
    char buf[64] = { 0 };
    struct stat st;
    int fd = open(".", O_TMPFILE | flags, 0600);

    CHECK_SYS(fd);
    CHECK(write(fd, "unnamed file\n", 13) == 13);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 13 && st.st_nlink == 0);
    if ((flags & O_ACCMODE) == O_RDWR) {
        char *m = mmap(NULL, 13, PROT_READ, MAP_SHARED, fd, 0);

        CHECK(m != MAP_FAILED);
        CHECK(pread(fd, buf, sizeof(buf), 0) == 13 && memcmp(buf, m, 13) == 0);
        munmap(m, 13);
    }
    printf("O_TMPFILE %s: %d bytes, %d links\n", (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_WRONLY",
           (int)st.st_size, (int)st.st_nlink);
    close(fd);
}

int main(void)
{
    char buf[64] = { 0 }, path[64];
    FILE *f = tmpfile();
    int fd;

    CHECK(f != NULL);
    CHECK(fputs("a line in a tmpfile\n", f) >= 0);
    rewind(f);
    CHECK(fgets(buf, sizeof(buf), f) != NULL);
    printf("tmpfile: %s", buf);
    fclose(f);

    unnamed(O_RDWR);
    unnamed(O_WRONLY | O_EXCL | O_NOFOLLOW | O_CLOEXEC); /* python's tempfile.TemporaryFile */

    fd = open(".", O_TMPFILE | O_RDWR, 0644);
    CHECK_SYS(fd);
    CHECK(write(fd, "named at last\n", 14) == 14);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK(linkat(AT_FDCWD, path, AT_FDCWD, "linked.txt", AT_SYMLINK_FOLLOW) == 0);
    close(fd);
    fd = open("linked.txt", O_RDONLY);
    CHECK_SYS(fd);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)) == 14);
    printf("linked.txt: %s", buf);
    close(fd);
    pass("tmpfile");
    return 0;
}
