/* repeat: 5 */
/*
 * A thread sends 1 MiB in blocking calls, far more than a pipe or socket
 * holds, while the main thread of the same process drains it: each call
 * must wait for room without keeping the reader from running. Rounds: one
 * write to a pipe; writes of 100 KiB; a writev of three pieces; then over
 * a socket pair, one write and sends of 100 KiB.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define SIZE (1 << 20)
#define PIECE (100 * 1024)

enum how { ONE_WRITE, WRITES, WRITEV, SEND, ROUNDS };

static int fds[2];
static unsigned char data[SIZE];
static enum how how;

static ssize_t send_piece(size_t at, size_t n)
{
    struct iovec v[3] = { { data + at, n / 3 }, { data + at + n / 3, n / 3 }, { data + at + 2 * (n / 3), n - 2 * (n / 3) } };

    switch (how) {
    case WRITEV: return writev(fds[1], v, 3);
    case SEND: return send(fds[1], data + at, n, 0);
    default: return write(fds[1], data + at, n);
    }
}

static void *writer(void *arg)
{
    size_t piece = how == WRITES || how == SEND ? PIECE : SIZE;

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

/* Reads SIZE bytes and checks them. */
static void drain(void)
{
    static unsigned char got[SIZE];
    size_t have = 0;

    while (have < SIZE) {
        ssize_t r = read(fds[0], got + have, SIZE - have);

        CHECK(r > 0);
        have += (size_t)r;
    }
    CHECK(memcmp(got, data, SIZE) == 0);
}

int main(void)
{
    static const char *name[] = { "one write", "writes of 100 KiB", "one writev", "sends of 100 KiB" };
    pthread_t t;

    for (size_t i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    for (int sock = 0; sock < 2; sock++) {
        CHECK((sock ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds)) == 0);
        for (how = ONE_WRITE; how < ROUNDS; how++) {
            if (how == SEND && !sock)
                continue;
            CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
            drain();
            CHECK(pthread_join(t, NULL) == 0);
            printf("%s, %s: 1 MiB through\n", sock ? "socket pair" : "pipe", name[how]);
        }
        CHECK(close(fds[0]) == 0 && close(fds[1]) == 0);
    }
    pass("thr_pipe");
    return 0;
}
