/*
 * A thread blocked in accept while another thread of the process connects
 * (the acceptor must let the connecting thread run), and opens files while
 * the accept returns: each descriptor must stay the same file in every
 * variant, whichever call got its number first.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#define ROUNDS 20

static int lsock;

static void *acceptor(void *arg)
{
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        char buf[16];
        int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
        ssize_t n;

        CHECK_SYS(c);
        CHECK_SYS(n = read(c, buf, sizeof buf));
        for (ssize_t k = 0; k < n; k++)
            buf[k] = (char)(buf[k] - 'a' + 'A');
        CHECK(write(c, buf, (size_t)n) == n);
        CHECK_SYS(close(c));
    }
    return NULL;
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    pthread_t t;

    CHECK_SYS(lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    CHECK_SYS(bind(lsock, (struct sockaddr *)&a, sizeof a));
    CHECK_SYS(listen(lsock, 8));
    CHECK_SYS(getsockname(lsock, (struct sockaddr *)&a, &len));
    CHECK(pthread_create(&t, NULL, acceptor, NULL) == 0);
    for (int r = 0; r < ROUNDS; r++) {
        char word[8] = "round", got[8] = { 0 };
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), f;

        CHECK_SYS(s);
        CHECK_SYS(connect(s, (struct sockaddr *)&a, sizeof a));
        /* the accept may return now, in one variant before this open and in another after */
        CHECK_SYS(f = open("/dev/null", O_RDONLY | O_CLOEXEC));
        CHECK(write(s, word, 5) == 5);
        CHECK(read(s, got, sizeof got) == 5 && memcmp(got, "ROUND", 5) == 0);
        CHECK_SYS(close(f));
        CHECK_SYS(close(s));
    }
    CHECK(pthread_join(t, NULL) == 0);
    printf("%d rounds\n", ROUNDS);
    pass("thr_accept");
}
