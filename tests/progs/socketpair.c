/* Unix socket pairs within one process: stream and datagram, sendmsg/recvmsg, MSG_PEEK, sockopts, SCM_RIGHTS, shutdown. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

/* Send one descriptor over a unix socket. */
static void send_fd(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    CHECK(sendmsg(sock, &msg, 0) == 1);
}

/* Receive one descriptor sent by send_fd. */
static int recv_fd(int sock)
{
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    CHECK(recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) == 1 && byte == 'F');
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    CHECK(cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS);
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

int main(void)
{
    char buf[256];
    int sv[2];

    /* Stream pair: both directions, read/write and send/recv. */
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CHECK(fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
    CHECK(send(sv[0], "ping", 4, 0) == 4);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 4 && memcmp(buf, "ping", 4) == 0);
    CHECK(write(sv[1], "pong", 4) == 4);
    CHECK(read(sv[0], buf, sizeof buf) == 4 && memcmp(buf, "pong", 4) == 0);

    /* MSG_DONTWAIT on an empty socket; MSG_PEEK leaves data queued. */
    CHECK_ERR(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(send(sv[0], "peekaboo", 8, 0) == 8);
    CHECK(recv(sv[1], buf, 4, MSG_PEEK) == 4 && memcmp(buf, "peek", 4) == 0);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 8 && memcmp(buf, "peekaboo", 8) == 0);

    /* sendmsg with two pieces, recvmsg into three buffers. */
    struct iovec out[2] = { { .iov_base = "gather", .iov_len = 6 }, { .iov_base = "ed!", .iov_len = 3 } };
    struct msghdr m = { .msg_iov = out, .msg_iovlen = 2 };
    CHECK(sendmsg(sv[0], &m, 0) == 9);
    char a[2], b[3], c[10];
    struct iovec in[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };
    struct msghdr r = { .msg_iov = in, .msg_iovlen = 3 };
    CHECK(recvmsg(sv[1], &r, 0) == 9);
    CHECK(memcmp(a, "ga", 2) == 0 && memcmp(b, "the", 3) == 0 && memcmp(c, "red!", 4) == 0);

    /* Socket options and names. */
    int val = 0;
    socklen_t vlen = sizeof val;
    CHECK_SYS(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &val, &vlen));
    CHECK(val == SOCK_STREAM && vlen == sizeof val);
    CHECK_SYS(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &val, &vlen));
    CHECK(val == AF_UNIX);
    val = 65536;
    CHECK_SYS(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &val, sizeof val));
    vlen = sizeof val;
    CHECK_SYS(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &val, &vlen));
    CHECK(val >= 65536);
    struct sockaddr_un sa;
    socklen_t salen = sizeof sa;
    CHECK_SYS(getsockname(sv[0], (struct sockaddr *)&sa, &salen));
    CHECK(sa.sun_family == AF_UNIX && salen == sizeof(sa_family_t));
    salen = sizeof sa;
    CHECK_SYS(getpeername(sv[0], (struct sockaddr *)&sa, &salen));
    CHECK(sa.sun_family == AF_UNIX);

    /* Pass a pipe's write end to ourselves and use the received copy. */
    int p[2];
    CHECK_SYS(pipe(p));
    send_fd(sv[0], p[1]);
    int got = recv_fd(sv[1]);
    CHECK(got >= 0 && got != p[1]);
    CHECK(fcntl(got, F_GETFD) == FD_CLOEXEC);
    CHECK_SYS(close(p[1]));
    CHECK(write(got, "via SCM_RIGHTS", 14) == 14);
    CHECK_SYS(close(got));
    CHECK(read(p[0], buf, sizeof buf) == 14 && memcmp(buf, "via SCM_RIGHTS", 14) == 0);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    CHECK_SYS(close(p[0]));

    /* shutdown(SHUT_WR) gives the peer EOF. */
    CHECK_SYS(shutdown(sv[0], SHUT_WR));
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 0);
    CHECK(write(sv[1], "still open", 10) == 10);
    CHECK(read(sv[0], buf, sizeof buf) == 10);
    CHECK_SYS(close(sv[0]));
    CHECK_SYS(close(sv[1]));

    /* Datagram pair keeps message boundaries; MSG_TRUNC reports full length. */
    CHECK_SYS(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK(send(sv[0], "1", 1, 0) == 1);
    CHECK(send(sv[0], "22", 2, 0) == 2);
    CHECK(send(sv[0], "55555", 5, 0) == 5);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 1);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 2);
    CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 5);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(send(sv[1], "back", 4, 0) == 4);
    struct sockaddr_un from;
    socklen_t fromlen = sizeof from;
    CHECK(recvfrom(sv[0], buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen) == 4);
    CHECK_SYS(close(sv[0]));
    CHECK_SYS(close(sv[1]));

    printf("socketpair checks passed\n");
    pass("socketpair");
    return 0;
}
