/* POSIX message queues: attributes, priorities, O_NONBLOCK, a time-out, a thread and a child blocked in mq_receive, a thread blocked in mq_send on a full queue, mq_notify with a signal that carries a pointer, mq_unlink. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static mqd_t q;
static volatile sig_atomic_t notified;

static int marker;

static void on_usr1(int s, siginfo_t *si, void *uc)
{
    (void)s;
    (void)uc;
    notified = si->si_code == SI_MESGQ && si->si_value.sival_ptr == &marker ? 1 : 2;
}

static void take(const char *who)
{
    char buf[64];
    unsigned prio = 0;
    memset(buf, 0, sizeof buf);
    ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
    CHECK_SYS(n);
    printf("%s: priority %u, %zd bytes: %s\n", who, prio, n, buf);
    fflush(stdout);
}

static void *sender(void *arg)
{
    (void)arg;
    CHECK_SYS(mq_send(q, "fifth", 6, 4)); /* blocks: the queue is full */
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    take("thread");
    return NULL;
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/chorus-test-mq-%d", (int)getpid());
    struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
    q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    CHECK_SYS(q);
    CHECK(mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr) == (mqd_t)-1 && errno == EEXIST);
    CHECK_SYS(mq_send(q, "low", 4, 1));
    CHECK_SYS(mq_send(q, "high", 5, 9));
    CHECK_SYS(mq_send(q, "middle", 7, 5));
    struct mq_attr now;
    CHECK_SYS(mq_getattr(q, &now));
    printf("maxmsg %ld, msgsize %ld, %ld waiting\n", now.mq_maxmsg, now.mq_msgsize, now.mq_curmsgs);
    take("first");
    take("second");
    take("third");

    /* Non-blocking, then a time-out. */
    struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old;
    CHECK_SYS(mq_setattr(q, &nb, &old));
    char buf[64];
    CHECK_ERR(mq_receive(q, buf, sizeof buf, NULL), EAGAIN);
    CHECK_SYS(mq_setattr(q, &old, NULL));
    struct timespec when;
    CHECK_SYS(clock_gettime(CLOCK_REALTIME, &when));
    when.tv_nsec += 20000000;
    if (when.tv_nsec >= 1000000000) {
        when.tv_sec++;
        when.tv_nsec -= 1000000000;
    }
    CHECK_ERR(mq_timedreceive(q, buf, sizeof buf, NULL, &when), ETIMEDOUT);
    CHECK_ERR(mq_receive(q, buf, 8, NULL), EMSGSIZE);
    printf("O_NONBLOCK: EAGAIN; a time-out: ETIMEDOUT\n");

    /* A thread blocks until the main thread sends. */
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, reader, NULL));
    usleep(30000);
    CHECK_SYS(mq_send(q, "to the thread", 14, 3));
    CHECK_PT(pthread_join(t, NULL));

    /* A thread blocks sending to a full queue until the main thread takes a message. */
    for (int i = 0; i < 4; i++)
        CHECK_SYS(mq_send(q, "full", 5, 1));
    CHECK_PT(pthread_create(&t, NULL, sender, NULL));
    usleep(30000);
    take("main, from the full queue");
    CHECK_PT(pthread_join(t, NULL));
    for (int i = 0; i < 4; i++)
        take("main, emptying");

    /* A child blocks until the parent sends. */
    fflush(stdout);
    pid_t pid = fork();
    CHECK_SYS(pid);
    if (pid == 0) {
        take("child");
        _exit(0);
    }
    usleep(30000);
    CHECK_SYS(mq_send(q, "to the child", 13, 2));
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* A message on the empty queue raises the signal asked for. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK_SYS(sigaction(SIGUSR1, &sa, NULL));
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_ptr = &marker;
    CHECK_SYS(mq_notify(q, &ev));
    CHECK_ERR(mq_notify(q, &ev), EBUSY);
    CHECK_SYS(mq_send(q, "noticed", 8, 0));
    for (int i = 0; i < 100 && !notified; i++)
        usleep(1000);
    CHECK(notified == 1); /* with the pointer it was asked for */
    take("after the notice");

    CHECK_SYS(mq_close(q));
    CHECK_SYS(mq_unlink(name));
    CHECK_ERR(mq_open(name, O_RDONLY), ENOENT);
    printf("unlinked\n");
    pass("ipc_mq");
    return 0;
}
