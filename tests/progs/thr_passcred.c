/* repeat: 3 */
/*
 * A receiver that asks for its peer's credentials (SO_PASSCRED) gets the
 * program's own with every piece a thread sends it, 1 MiB in all, far
 * more than the socket holds, while the main thread of the same process
 * drains it: sent by write, by sendmsg with the sender's own credentials
 * given explicitly (SCM_CREDENTIALS), and by sendmsg with those and a
 * descriptor (SCM_RIGHTS).
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define SIZE (1 << 20)
#define PIECE (100 * 1024)

enum how { WRITE, SENDMSG_CRED, SENDMSG_CRED_FD, ROUNDS };
static const char *const names[] = { "write", "sendmsg with credentials", "sendmsg with credentials and a descriptor" };

static int sv[2];
static unsigned char data[SIZE];
static enum how how;

static void send_piece(const unsigned char *at, size_t len)
{
    union {
        char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct ucred me = { getpid(), getuid(), getgid() };
    struct iovec iov = { (void *)at, len };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b };
    struct cmsghdr *c;
    int fd = 0;
    size_t sent = 0;

    memset(&ctl, 0, sizeof(ctl));
    m.msg_controllen = CMSG_SPACE(sizeof(me)) + (how == SENDMSG_CRED_FD ? CMSG_SPACE(sizeof(fd)) : 0);
    c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof(me));
    memcpy(CMSG_DATA(c), &me, sizeof(me));
    if (how == SENDMSG_CRED_FD) {
        c = CMSG_NXTHDR(&m, c);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(fd));
        memcpy(CMSG_DATA(c), &fd, sizeof(fd));
    }
    while (sent < len) { /* a stream socket may take part of it */
        ssize_t n;
        CHECK_SYS(n = sendmsg(sv[0], &m, 0));
        sent += (size_t)n;
        iov.iov_base = (void *)(at + sent);
        iov.iov_len = len - sent;
        m.msg_control = NULL;
        m.msg_controllen = 0;
    }
}

static void *sender(void *arg)
{
    (void)arg;
    if (how == WRITE) {
        CHECK(write(sv[0], data, SIZE) == SIZE);
        return NULL;
    }
    for (size_t at = 0; at < SIZE; at += PIECE)
        send_piece(data + at, SIZE - at < PIECE ? SIZE - at : PIECE);
    return NULL;
}

/* Drains SIZE bytes; every piece must carry the program's credentials. */
static void drain(void)
{
    static unsigned char got[SIZE];
    size_t have = 0;
    int fds = 0;

    while (have < SIZE) {
        union {
            char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4 * sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = { got + have, SIZE - have };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
        bool cred = false;
        ssize_t n;

        CHECK_SYS(n = recvmsg(sv[1], &m, 0));
        CHECK(n > 0);
        have += (size_t)n;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_type == SCM_CREDENTIALS) {
                struct ucred u;
                memcpy(&u, CMSG_DATA(c), sizeof(u));
                CHECK(u.pid == getpid() && u.uid == getuid() && u.gid == getgid());
                cred = true;
            } else if (c->cmsg_type == SCM_RIGHTS) {
                for (size_t at = CMSG_LEN(0); at + sizeof(int) <= c->cmsg_len; at += sizeof(int)) {
                    int fd;
                    memcpy(&fd, (char *)c + at, sizeof(fd));
                    CHECK_SYS(close(fd));
                    fds++;
                }
            }
        }
        CHECK(cred);
    }
    CHECK(memcmp(got, data, SIZE) == 0);
    CHECK(how == SENDMSG_CRED_FD ? fds > 0 : fds == 0);
}

int main(void)
{
    int on = 1;

    for (size_t i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 131 + i / 4096);
    for (how = 0; how < ROUNDS; how++) {
        pthread_t t;

        CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        CHECK_SYS(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
        CHECK_PT(pthread_create(&t, NULL, sender, NULL));
        drain();
        CHECK_PT(pthread_join(t, NULL));
        CHECK_SYS(close(sv[0]));
        CHECK_SYS(close(sv[1]));
        printf("%s: 1 MiB, the program's credentials on every piece\n", names[how]);
    }
    pass("thr_passcred");
    return 0;
}
