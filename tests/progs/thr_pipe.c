/* repeat: 5 */
/*
 * A thread sends 1 MiB in blocking calls, far more than a pipe or socket
 * holds, while the main thread of the same process drains it: each call
 * must wait for room without keeping the reader from running. Rounds: one
 * write to a pipe; writes of 100 KiB; a writev of three pieces; then over
 * a socket pair, one write, sends of 100 KiB, sendmsg calls of 100 KiB
 * in three pieces, and the same with a descriptor passed (SCM_RIGHTS) in
 * each; last, 8 KiB datagrams by sendto to a bound address (the
 * receiver's queue holds 10 of them).
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>

#define SIZE (1 << 20)
#define PIECE (100 * 1024)
#define DGRAM 8192

enum how { ONE_WRITE, WRITES, WRITEV, SEND, SENDMSG, SENDMSG_FD, SENDTO, ROUNDS };

static int fds[2];
static unsigned char data[SIZE];
static enum how how;
static struct sockaddr_un to;
static socklen_t tolen;
static int passed[2]; /* a pipe whose read end goes with each sendmsg of SENDMSG_FD */

static ssize_t send_piece(size_t at, size_t n)
{
    struct iovec v[3] = { { data + at, n / 3 }, { data + at + n / 3, n / 3 }, { data + at + 2 * (n / 3), n - 2 * (n / 3) } };

    switch (how) {
    case WRITEV: return writev(fds[1], v, 3);
    case SEND: return send(fds[1], data + at, n, 0);
    case SENDMSG: case SENDMSG_FD: {
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
        struct msghdr m = { .msg_iov = v, .msg_iovlen = 3 };

        if (how == SENDMSG_FD) {
            struct cmsghdr *c;

            memset(&ctl, 0, sizeof(ctl));
            m.msg_control = ctl.buf;
            m.msg_controllen = sizeof(ctl.buf);
            c = CMSG_FIRSTHDR(&m);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &passed[0], sizeof(int));
        }
        return sendmsg(fds[1], &m, 0);
    }
    case SENDTO: return sendto(fds[1], data + at, n, 0, (struct sockaddr *)&to, tolen);
    default: return write(fds[1], data + at, n);
    }
}

static void *writer(void *arg)
{
    size_t piece = how == SENDTO ? DGRAM : how == WRITES || how == SEND || how >= SENDMSG ? PIECE : SIZE;

    (void)arg;
    for (size_t at = 0; at < SIZE;) {
        size_t n = SIZE - at < piece ? SIZE - at : piece;
        ssize_t r = send_piece(at, n);

        CHECK(r > 0);
        CHECK(r == (ssize_t)n); /* a blocking call sends it all */
        at += (size_t)r;
    }
    return NULL;
}

/* Reads up to n bytes into buf; counts the descriptors that came with them (each a pipe's end), closing them. */
static ssize_t receive(unsigned char *buf, size_t n, int *nfd)
{
    union { char buf[CMSG_SPACE(4 * sizeof(int))]; struct cmsghdr align; } ctl;
    struct iovec v = { buf, n };
    struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
    ssize_t r = recvmsg(fds[0], &m, 0);

    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); r > 0 && c; c = CMSG_NXTHDR(&m, c)) {
        int fd;
        struct stat st;

        CHECK(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)));
        memcpy(&fd, CMSG_DATA(c), sizeof(fd));
        CHECK_SYS(fstat(fd, &st));
        CHECK(S_ISFIFO(st.st_mode));
        CHECK_SYS(close(fd));
        (*nfd)++;
    }
    return r;
}

/* Reads SIZE bytes and checks them; returns how many descriptors came with them. */
static int drain(void)
{
    static unsigned char got[SIZE];
    size_t have = 0;
    int nfd = 0;

    while (have < SIZE) {
        ssize_t r = how == SENDMSG_FD ? receive(got + have, SIZE - have, &nfd) : read(fds[0], got + have, SIZE - have);

        CHECK(r > 0);
        have += (size_t)r;
    }
    CHECK(memcmp(got, data, SIZE) == 0);
    return nfd;
}

/* A datagram socket bound to an abstract name to receive, another to send. */
static void open_dgram(void)
{
    to.sun_family = AF_UNIX;
    snprintf(to.sun_path + 1, sizeof(to.sun_path) - 1, "thr_pipe-%d", (int)getpid());
    tolen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(to.sun_path + 1));
    CHECK_SYS(fds[0] = socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_SYS(bind(fds[0], (struct sockaddr *)&to, tolen));
    CHECK_SYS(fds[1] = socket(AF_UNIX, SOCK_DGRAM, 0));
}

int main(void)
{
    static const char *name[] = { "one write", "writes of 100 KiB", "one writev", "sends of 100 KiB",
                                  "sendmsg of 100 KiB", "sendmsg of 100 KiB with a descriptor",
                                  "sendto of 8 KiB datagrams" };
    const char *kind[] = { "pipe", "socket pair", "datagram socket" };
    pthread_t t;
    int nfd;

    for (size_t i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    CHECK_SYS(pipe(passed));
    for (int sock = 0; sock < 3; sock++) {
        if (sock == 2)
            open_dgram();
        else
            CHECK((sock ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds)) == 0);
        for (how = ONE_WRITE; how < ROUNDS; how++) {
            if ((how >= SEND && !sock) || (how == SENDTO) != (sock == 2))
                continue;
            CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
            nfd = drain();
            CHECK(pthread_join(t, NULL) == 0);
            printf("%s, %s: 1 MiB through", kind[sock], name[how]);
            if (how == SENDMSG_FD)
                printf(", %d descriptors", nfd);
            printf("\n");
        }
        CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
    }
    pass("thr_pipe");
    return 0;
}
