/* repeat: 2 */
/*
 * A timer's signal (SIGALRM, every 200 ms) comes while every thread is
 * blocked: the main thread in a write to a full pipe, another in a
 * condition variable wait. (A tick may also come before the call blocks,
 * on a loaded machine: the next one then ends it.)
 * The write ends as it does natively: with the count written when part of
 * it went; with EINTR when nothing did; restarted under SA_RESTART (the
 * handler drains the pipe, so the restarted write goes through). Last, both
 * threads wait, one on a condition variable, one on a semaphore the
 * handler posts.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/time.h>

#define BIG (1 << 20)

static int fds[2];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static volatile sig_atomic_t hits, drain, done;
static char buf[BIG];
static sem_t posted;

static void on_alarm(int s)
{
    (void)s;
    hits++;
    if (!drain)
        sem_post(&posted);
    if (drain) /* one read empties the pipe (its read end does not block now) */
        (void)!read(fds[0], buf, 65536);
}

static void *idle(void *arg)
{
    (void)arg;
    CHECK(pthread_mutex_lock(&m) == 0);
    while (!done)
        CHECK(pthread_cond_wait(&c, &m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    return NULL;
}

static void on(int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
}

/* Fills the pipe without blocking, then makes its write end blocking again. */
static void fill(void)
{
    CHECK_SYS(fcntl(fds[1], F_SETFL, O_NONBLOCK));
    while (write(fds[1], buf, 4096) > 0)
        ;
    CHECK(errno == EAGAIN);
    CHECK_SYS(fcntl(fds[1], F_SETFL, 0));
}

/* Empties the pipe. */
static void empty(void)
{
    CHECK_SYS(fcntl(fds[0], F_SETFL, O_NONBLOCK));
    while (read(fds[0], buf, sizeof(buf)) > 0)
        ;
    CHECK_SYS(fcntl(fds[0], F_SETFL, 0));
}

/* SIGALRM every 200 ms from now on (on), or no more (off). */
static void ticks(int on)
{
    struct itimerval it = { { 0, on ? 200000 : 0 }, { 0, on ? 200000 : 0 } };

    CHECK_SYS(setitimer(ITIMER_REAL, &it, NULL));
}

static void blocked_write(const char *what, size_t len)
{
    ssize_t n;
    int e;

    ticks(1);
    n = write(fds[1], buf, len);
    e = errno;
    ticks(0); /* under chorus, a handler runs at a syscall: this one, at the latest */
    printf("%s: write returned %zd%s%s, handler ran: %s\n", what, n, n < 0 ? ", " : "",
           n < 0 ? strerror(e) : "", hits ? "yes" : "no");
    hits = 0;
}

int main(void)
{
    pthread_t t;

    CHECK_SYS(pipe(fds));
    CHECK_SYS(sem_init(&posted, 0, 0));
    CHECK(pthread_create(&t, NULL, idle, NULL) == 0);

    on(0);
    blocked_write("part of 1 MiB", BIG);
    empty();
    fill();
    blocked_write("full pipe", 1);
    empty();
    on(SA_RESTART);
    fill();
    CHECK_SYS(fcntl(fds[0], F_SETFL, O_NONBLOCK));
    drain = 1;
    blocked_write("full pipe, SA_RESTART", 1);
    drain = 0;
    CHECK_SYS(fcntl(fds[0], F_SETFL, 0));
    empty();

    /* every thread waits: the handler's post ends the main thread's wait */
    while (sem_trywait(&posted) == 0)
        ;
    hits = 0;
    ticks(1);
    while (sem_wait(&posted) != 0)
        CHECK(errno == EINTR);
    ticks(0);
    printf("wait: handler ran: %s\n", hits ? "yes" : "no");
    CHECK(pthread_mutex_lock(&m) == 0);
    done = 1;
    CHECK(pthread_cond_broadcast(&c) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    pass("thr_sig_wait");
    return 0;
}
