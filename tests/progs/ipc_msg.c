/* System V message queues: types, IPC_NOWAIT, MSG_NOERROR and E2BIG, IPC_STAT and IPC_SET, a child and a thread blocked in msgrcv until sent to, a thread blocked in msgsnd on a full queue, IPC_RMID. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

struct msg {
    long type;
    char text[64];
};

static int q;

static void put(long type, const char *text)
{
    struct msg m = { type, "" };
    snprintf(m.text, sizeof m.text, "%s", text);
    CHECK_SYS(msgsnd(q, &m, strlen(text) + 1, 0));
}

static void take(long type, const char *who)
{
    struct msg m;
    memset(&m, 0, sizeof m);
    ssize_t n = msgrcv(q, &m, sizeof m.text, type, 0);
    CHECK_SYS(n);
    printf("%s: type %ld, %zd bytes: %s\n", who, m.type, n, m.text);
    fflush(stdout);
}

static void *sender(void *arg)
{
    (void)arg;
    put(9, "fifteen bytes!"); /* blocks: the queue is full */
    return NULL;
}

static void *reader(void *arg)
{
    (void)arg;
    take(7, "thread");
    put(8, "thread's answer");
    return NULL;
}

int main(void)
{
    q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK_SYS(q);
    put(1, "one");
    put(2, "two");
    put(3, "three");
    struct msqid_ds ds;
    CHECK_SYS(msgctl(q, IPC_STAT, &ds));
    printf("IPC_STAT: %lu messages, %lu bytes\n", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
    take(2, "by type");
    take(0, "first");
    take(-5, "lowest type up to 5");

    struct msg m;
    CHECK_ERR(msgrcv(q, &m, sizeof m.text, 0, IPC_NOWAIT), ENOMSG);
    put(4, "a longer message");
    CHECK_ERR(msgrcv(q, &m, 3, 0, IPC_NOWAIT), E2BIG);
    memset(&m, 0, sizeof m);
    CHECK(msgrcv(q, &m, 3, 0, IPC_NOWAIT | MSG_NOERROR) == 3);
    printf("truncated: %.3s\n", m.text);

    /* A child blocks until the parent sends. */
    fflush(stdout);
    pid_t pid = fork();
    CHECK_SYS(pid);
    if (pid == 0) {
        take(5, "child");
        put(6, "child's answer");
        _exit(0);
    }
    usleep(30000);
    put(5, "to the child");
    take(6, "parent");
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* A thread blocks until the main thread sends. */
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, reader, NULL));
    usleep(30000);
    put(7, "to the thread");
    take(8, "main");
    CHECK_PT(pthread_join(t, NULL));

    /* A thread blocks sending to a full queue until the main thread takes a message. */
    CHECK_SYS(msgctl(q, IPC_STAT, &ds));
    ds.msg_qbytes = 30;
    CHECK_SYS(msgctl(q, IPC_SET, &ds));
    put(10, "fifteen bytes.");
    put(11, "fifteen bytes:");
    CHECK_PT(pthread_create(&t, NULL, sender, NULL));
    usleep(30000);
    take(10, "main, from the full queue");
    take(11, "main, from the full queue");
    take(9, "main, the blocked send");
    CHECK_PT(pthread_join(t, NULL));

    CHECK_SYS(msgctl(q, IPC_RMID, NULL));
    CHECK_ERR(msgsnd(q, &m, 1, 0), EINVAL);
    printf("removed\n");
    pass("ipc_msg");
    return 0;
}
