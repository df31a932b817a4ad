/* eventfd counters: initial value, accumulation, EFD_SEMAPHORE, EFD_NONBLOCK, bad sizes, poll readiness. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>

int main(void)
{
    uint64_t v;
    int efd = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
    CHECK_SYS(efd);
    CHECK(fcntl(efd, F_GETFD) == FD_CLOEXEC);
    CHECK(read(efd, &v, sizeof v) == sizeof v && v == 3);
    CHECK_ERR(read(efd, &v, sizeof v), EAGAIN);

    /* Writes add up until read. */
    v = 5;
    CHECK(write(efd, &v, sizeof v) == sizeof v);
    v = 7;
    CHECK(write(efd, &v, sizeof v) == sizeof v);
    struct pollfd pf = { .fd = efd, .events = POLLIN | POLLOUT };
    CHECK(poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN) && (pf.revents & POLLOUT));
    CHECK(read(efd, &v, sizeof v) == sizeof v && v == 12);
    pf.revents = 0;
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 0) == 0);

    /* Bad sizes and the reserved maximum value. */
    uint32_t small = 1;
    CHECK_ERR(write(efd, &small, sizeof small), EINVAL);
    CHECK_ERR(read(efd, &small, sizeof small), EINVAL);
    v = UINT64_MAX;
    CHECK_ERR(write(efd, &v, sizeof v), EINVAL);

    /* Near-full counter: a further write would block. */
    v = UINT64_MAX - 1;
    CHECK(write(efd, &v, sizeof v) == sizeof v);
    v = 1;
    CHECK_ERR(write(efd, &v, sizeof v), EAGAIN);
    CHECK(read(efd, &v, sizeof v) == sizeof v && v == UINT64_MAX - 1);
    CHECK_SYS(close(efd));

    /* Semaphore mode hands out one at a time. */
    int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK_SYS(sem);
    CHECK(read(sem, &v, sizeof v) == sizeof v && v == 1);
    CHECK(read(sem, &v, sizeof v) == sizeof v && v == 1);
    CHECK_ERR(read(sem, &v, sizeof v), EAGAIN);
    CHECK(eventfd_write(sem, 4) == 0);
    eventfd_t ev;
    CHECK(eventfd_read(sem, &ev) == 0 && ev == 1);
    CHECK_SYS(close(sem));

    /* A blocking eventfd with a pending count returns at once. */
    int blk = eventfd(0, 0);
    CHECK_SYS(blk);
    CHECK(eventfd_write(blk, 9) == 0);
    CHECK(eventfd_read(blk, &ev) == 0 && ev == 9);
    CHECK_SYS(close(blk));

    printf("eventfd checks passed\n");
    pass("eventfd");
    return 0;
}
