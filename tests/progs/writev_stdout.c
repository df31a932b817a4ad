/* writev to stdout and stderr: a few pieces with an empty one, then many small iovecs in one call. */
#define _GNU_SOURCE
#include "check.h"

#include <limits.h>
#include <sys/uio.h>

int main(void)
{
    struct iovec v[5] = {
        { .iov_base = "gathered ", .iov_len = 9 },
        { .iov_base = "", .iov_len = 0 },
        { .iov_base = "into ", .iov_len = 5 },
        { .iov_base = "one ", .iov_len = 4 },
        { .iov_base = "line\n", .iov_len = 5 },
    };
    CHECK(writev(1, v, 5) == 23);

    /* 200 small pieces in one writev. */
    static char pieces[200][16];
    struct iovec many[200];
    ssize_t want = 0;
    for (int i = 0; i < 200; i++) {
        int len = snprintf(pieces[i], sizeof pieces[i], "piece %03d%c", i, i % 10 == 9 ? '\n' : ' ');
        many[i].iov_base = pieces[i];
        many[i].iov_len = (size_t)len;
        want += len;
    }
    CHECK(writev(1, many, 200) == want);

    /* stderr gets one line too; it is compared like stdout. */
    struct iovec e[2] = {
        { .iov_base = "this line goes ", .iov_len = 15 },
        { .iov_base = "to stderr\n", .iov_len = 10 },
    };
    CHECK(writev(2, e, 2) == 25);

    /* Too many iovecs is an error and writes nothing. */
    struct iovec *toomany = calloc(IOV_MAX + 1, sizeof *toomany);
    CHECK(toomany != NULL);
    for (int i = 0; i <= IOV_MAX; i++) {
        toomany[i].iov_base = "X";
        toomany[i].iov_len = 1;
    }
    CHECK_ERR(writev(1, toomany, IOV_MAX + 1), EINVAL);
    free(toomany);

    pass("writev_stdout");
    return 0;
}
