/*
 * A self-pipe that carries pointers, as libuv's does: a non-blocking pipe
 * from pipe2, written by a signal handler (a pointer to the handler's
 * record and the signal number) and by worker threads (pointers to the
 * jobs they finished), read by the main thread after poll says it can.
 * Each variant must read its own pointers.
 */
/* repeat: 10 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#define NWORK 3
#define NJOB 20

struct msg {
    void *ptr;
    long signo;
};

struct job {
    int id;
    long result;
};

static int self_pipe[2];
static struct job jobs[NWORK][NJOB];
static struct { const char *name; int hits; } record = { "usr1", 0 };

static void send_msg(void *ptr, long signo)
{
    struct msg m = { ptr, signo };

    CHECK(write(self_pipe[1], &m, sizeof(m)) == (ssize_t)sizeof(m));
}

static void on_usr1(int sig)
{
    int saved = errno;

    send_msg(&record, sig);
    errno = saved;
}

static void *worker(void *arg)
{
    struct job *mine = arg;

    for (int i = 0; i < NJOB; i++) {
        struct job *j = malloc(sizeof(*j)); /* a heap pointer goes through the pipe */

        CHECK(j != NULL);
        *j = mine[i];
        j->result = (long)j->id * j->id;
        send_msg(j, 0);
    }
    return NULL;
}

/* Reads every message there is; returns how many. */
static int drain(long *sum, int *signals)
{
    struct msg m;
    ssize_t n;
    int got = 0;

    while ((n = read(self_pipe[0], &m, sizeof(m))) == (ssize_t)sizeof(m)) {
        if (m.signo) {
            struct { const char *name; int hits; } *r = m.ptr;

            CHECK(m.ptr == (void *)&record && m.signo == SIGUSR1 && strcmp(r->name, "usr1") == 0);
            (*signals)++;
        } else {
            struct job *j = m.ptr;

            *sum += j->result;
            free(j);
        }
        got++;
    }
    CHECK(n == -1 && errno == EAGAIN);
    return got;
}

int main(void)
{
    pthread_t t[NWORK];
    long sum = 0;
    int msgs = 0, signals = 0;

    CHECK_SYS(pipe2(self_pipe, O_NONBLOCK | O_CLOEXEC));
    CHECK_SYS(signal(SIGUSR1, on_usr1) == SIG_ERR ? -1 : 0);
    for (int w = 0; w < NWORK; w++) {
        for (int i = 0; i < NJOB; i++)
            jobs[w][i].id = w * NJOB + i;
        CHECK(pthread_create(&t[w], NULL, worker, jobs[w]) == 0);
    }
    for (int i = 0; i < 5; i++)
        CHECK_SYS(raise(SIGUSR1));
    while (msgs < NWORK * NJOB + 5) {
        struct pollfd p = { self_pipe[0], POLLIN, 0 };

        CHECK_SYS(poll(&p, 1, 5000));
        CHECK(p.revents & POLLIN);
        msgs += drain(&sum, &signals);
    }
    for (int w = 0; w < NWORK; w++)
        CHECK(pthread_join(t[w], NULL) == 0);
    printf("%d messages, %d signals, sum of squares %ld\n", msgs, signals, sum);
    pass("thr_selfpipe");
    return 0;
}
