/*
 * epoll registrations whose data is a pointer (as nginx keeps its
 * connections): each event must come back with the variant's own pointer.
 * Registrations are added, modified, deleted, and a freed object's address
 * is registered again for another descriptor; a worker thread writes.
 */
/* repeat: 5 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define NCONN 6

struct conn {
    int id, fd, peer;
    long bytes;
};

static struct conn *conns[NCONN];

static void *writer(void *arg)
{
    (void)arg;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < NCONN; i++)
            CHECK(write(conns[i]->peer, "0123456789", (size_t)(i + 1)) == i + 1);
    return NULL;
}

static struct conn *conn_new(int id)
{
    struct conn *c = calloc(1, sizeof(*c));
    int sv[2];

    CHECK(c != NULL);
    CHECK_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    c->id = id;
    c->fd = sv[0];
    c->peer = sv[1];
    return c;
}

/* Reads what the events say is ready; returns the bytes read. */
static long serve(int ep, int want)
{
    struct epoll_event ev[NCONN];
    long total = 0;
    int n;

    CHECK_SYS(n = epoll_wait(ep, ev, NCONN, 5000));
    CHECK(n >= 1 && n <= want);
    for (int i = 0; i < n; i++) {
        struct conn *c = ev[i].data.ptr;
        char buf[256];
        ssize_t got;

        CHECK(c->id >= 0 && c->id < 100 && (ev[i].events & EPOLLIN));
        CHECK_SYS(got = read(c->fd, buf, sizeof(buf)));
        c->bytes += got;
        total += got;
    }
    return total;
}

int main(void)
{
    struct epoll_event ev = { 0 };
    pthread_t t;
    long total = 0;
    int ep;

    CHECK_SYS(ep = epoll_create1(EPOLL_CLOEXEC));
    for (int i = 0; i < NCONN; i++) {
        conns[i] = conn_new(i);
        ev.events = EPOLLIN;
        ev.data.ptr = conns[i];
        CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, conns[i]->fd, &ev));
    }
    CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
    while (total < 3 * NCONN * (NCONN + 1) / 2)
        total += serve(ep, NCONN);
    CHECK(pthread_join(t, NULL) == 0);
    for (int i = 0; i < NCONN; i++)
        printf("conn %d: %ld bytes\n", conns[i]->id, conns[i]->bytes);

    /* MOD to edge-triggered, DEL one, and register a new object where a freed one was. */
    ev.events = EPOLLIN | EPOLLET;
    ev.data.ptr = conns[1];
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_MOD, conns[1]->fd, &ev));
    ev.data.ptr = &ev; /* EPOLL_CTL_DEL reads no event: what is in it does not matter */
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_DEL, conns[2]->fd, &ev));
    CHECK_SYS(close(conns[0]->fd));
    CHECK_SYS(close(conns[0]->peer));
    free(conns[0]);
    conns[0] = conn_new(10); /* malloc may hand back the freed address */
    ev.events = EPOLLIN;
    ev.data.ptr = conns[0];
    CHECK_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, conns[0]->fd, &ev));
    CHECK(write(conns[0]->peer, "new", 3) == 3);
    CHECK(write(conns[1]->peer, "et", 2) == 2);
    CHECK(write(conns[2]->peer, "deleted", 7) == 7);
    total = 0;
    while (total < 5)
        total += serve(ep, 2);
    printf("after changes: conn %d %ld bytes, conn %d %ld bytes\n", conns[0]->id, conns[0]->bytes, conns[1]->id,
           conns[1]->bytes);
    pass("epoll_ptr");
    return 0;
}
