/* Directories and names: mkdir/rmdir/getdents64/rename/link/unlink/symlink/readlink/chmod/utimensat. */
#define _GNU_SOURCE
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

struct entry {
    char name[64];
    unsigned char type;
};

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* List a directory with raw getdents64 through a deliberately small buffer. */
static int list_dir(const char *path, struct entry *out, int max)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK_SYS(fd);
    char buf[80] __attribute__((aligned(8)));
    int n = 0, calls = 0;
    for (;;) {
        ssize_t got = getdents64(fd, buf, sizeof buf);
        CHECK_SYS(got);
        if (got == 0)
            break;
        calls++;
        for (ssize_t off = 0; off < got;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            CHECK(n < max);
            CHECK(strlen(d->d_name) < sizeof out[n].name);
            strcpy(out[n].name, d->d_name);
            out[n].type = d->d_type;
            n++;
            off += d->d_reclen;
        }
    }
    CHECK(calls >= 2);
    /* A buffer too small for one entry is an error. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK_ERR(getdents64(fd, buf, 8), EINVAL);
    CHECK_SYS(close(fd));
    qsort(out, (size_t)n, sizeof *out, cmp_entry);
    return n;
}

static void make_file(const char *path, const char *content)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_SYS(fd);
    CHECK(write_all(fd, content, strlen(content)) == 0);
    CHECK_SYS(close(fd));
}

int main(void)
{
    umask(022);
    struct stat st;

    CHECK_SYS(mkdir("d", 0755));
    CHECK_ERR(mkdir("d", 0755), EEXIST);
    make_file("d/a", "file a\n");
    make_file("d/b", "file b\n");
    make_file("d/c", "file c\n");
    CHECK_SYS(mkdir("d/sub", 0700));
    CHECK_SYS(stat("d/sub", &st));
    CHECK(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);

    struct entry ents[16];
    int n = list_dir("d", ents, 16);
    const char *want[] = { ".", "..", "a", "b", "c", "sub" };
    CHECK(n == 6);
    for (int i = 0; i < n; i++) {
        CHECK(strcmp(ents[i].name, want[i]) == 0);
        if (i >= 2)
            CHECK(ents[i].type == (i == 5 ? DT_DIR : DT_REG));
    }

    /* opendir/readdir sees the same number of entries. */
    DIR *dir = opendir("d");
    CHECK(dir != NULL);
    int count = 0;
    while (readdir(dir))
        count++;
    CHECK(count == 6);
    closedir(dir);

    /* rename, rename over an existing file, renameat2 without replace. */
    CHECK_SYS(rename("d/a", "d/a2"));
    CHECK_ERR(stat("d/a", &st), ENOENT);
    CHECK_SYS(stat("d/a2", &st));
    CHECK_SYS(rename("d/b", "d/c"));
    size_t len;
    char *txt = read_whole_file("d/c", &len);
    CHECK(txt && strcmp(txt, "file b\n") == 0);
    free(txt);
    make_file("d/b", "file b again\n");
    CHECK_ERR(renameat2(AT_FDCWD, "d/b", AT_FDCWD, "d/c", RENAME_NOREPLACE), EEXIST);
    CHECK_ERR(rename("d/missing", "d/x"), ENOENT);

    /* Hard links change the link count. */
    CHECK_SYS(link("d/c", "d/c.link"));
    CHECK_SYS(stat("d/c", &st));
    CHECK(st.st_nlink == 2);
    CHECK_ERR(link("d/c", "d/b"), EEXIST);

    /* Symlinks: readlink, lstat vs stat, dangling links. */
    CHECK_SYS(symlink("c", "d/c.sym"));
    char lbuf[64];
    ssize_t ll = readlink("d/c.sym", lbuf, sizeof lbuf);
    CHECK(ll == 1 && lbuf[0] == 'c');
    CHECK_SYS(lstat("d/c.sym", &st));
    CHECK(S_ISLNK(st.st_mode) && st.st_size == 1);
    CHECK_SYS(stat("d/c.sym", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERR(readlink("d/c", lbuf, sizeof lbuf), EINVAL);
    CHECK_SYS(symlink("nowhere", "d/dangling"));
    CHECK_ERR(stat("d/dangling", &st), ENOENT);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK_SYS(dfd);
    ll = readlinkat(dfd, "dangling", lbuf, sizeof lbuf);
    CHECK(ll == 7 && memcmp(lbuf, "nowhere", 7) == 0);
    CHECK_ERR(open("d/dangling", O_RDONLY), ENOENT);
    CHECK_ERR(open("d/c.sym", O_RDONLY | O_NOFOLLOW), ELOOP);

    /* chmod, fchmod, fchmodat. */
    CHECK_SYS(chmod("d/c", 0600));
    CHECK_SYS(stat("d/c", &st));
    CHECK((st.st_mode & 07777) == 0600);
    int fd = open("d/a2", O_RDONLY);
    CHECK_SYS(fd);
    CHECK_SYS(fchmod(fd, 0751));
    CHECK_SYS(fstat(fd, &st));
    CHECK((st.st_mode & 07777) == 0751);
    CHECK_SYS(fchmodat(dfd, "b", 0444, 0));
    CHECK_SYS(fstatat(dfd, "b", &st, 0));
    CHECK((st.st_mode & 07777) == 0444);

    /* utimensat and futimens set exact times; UTIME_OMIT keeps one. */
    struct timespec ts[2] = { { 1000000000, 5 }, { 1234567890, 123 } };
    CHECK_SYS(utimensat(AT_FDCWD, "d/c", ts, 0));
    CHECK_SYS(stat("d/c", &st));
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 5);
    CHECK(st.st_mtim.tv_sec == 1234567890 && st.st_mtim.tv_nsec == 123);
    struct timespec ts2[2] = { { 0, UTIME_OMIT }, { 1500000000, 0 } };
    CHECK_SYS(futimens(fd, ts2));
    CHECK_SYS(fstat(fd, &st));
    CHECK(st.st_mtim.tv_sec == 1500000000);
    CHECK_SYS(utimensat(dfd, "c.sym", ts, AT_SYMLINK_NOFOLLOW));
    CHECK_SYS(lstat("d/c.sym", &st));
    CHECK(st.st_mtim.tv_sec == 1234567890);
    CHECK_SYS(close(fd));

    /* unlink, unlinkat, rmdir and their errors. */
    CHECK_SYS(unlink("d/c.link"));
    CHECK_SYS(stat("d/c", &st));
    CHECK(st.st_nlink == 1);
    CHECK_ERR(unlink("d/sub"), EISDIR);
    CHECK_ERR(rmdir("d"), ENOTEMPTY);
    CHECK_ERR(rmdir("d/c"), ENOTDIR);
    CHECK_SYS(mkdirat(dfd, "sub/inner", 0755));
    CHECK_ERR(rmdir("d/sub"), ENOTEMPTY);
    CHECK_SYS(unlinkat(dfd, "sub/inner", AT_REMOVEDIR));
    CHECK_SYS(rmdir("d/sub"));
    CHECK_SYS(unlinkat(dfd, "dangling", 0));
    CHECK_SYS(close(dfd));
    CHECK_ERR(unlink("d/dangling"), ENOENT);

    n = list_dir("d", ents, 16);
    printf("d holds:");
    for (int i = 0; i < n; i++)
        printf(" %s", ents[i].name);
    printf("\n");
    pass("dir_ops");
    return 0;
}
