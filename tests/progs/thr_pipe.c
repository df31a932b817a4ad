/* repeat: 5 */
/*
 * A thread writes 1 MiB to a pipe in one blocking write, far more than
 * the pipe holds, while the main thread of the same process drains it:
 * the write must wait for room without keeping the reader from running.
 * Then the other way round, in pieces of 100 KiB.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

#define SIZE (1 << 20)

static int fds[2];
static unsigned char data[SIZE];

static void *writer(void *arg)
{
    size_t piece = arg ? 100 * 1024 : SIZE;

    for (size_t at = 0; at < SIZE; at += piece) {
        size_t n = SIZE - at < piece ? SIZE - at : piece;

        CHECK(write(fds[1], data + at, n) == (ssize_t)n);
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
    pthread_t t;

    for (size_t i = 0; i < SIZE; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    CHECK(pipe(fds) == 0);
    for (int round = 0; round < 2; round++) {
        CHECK(pthread_create(&t, NULL, writer, round ? data : NULL) == 0);
        drain();
        CHECK(pthread_join(t, NULL) == 0);
        printf("round %d: 1 MiB through the pipe\n", round);
    }
    pass("thr_pipe");
    return 0;
}
