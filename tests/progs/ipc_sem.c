/* System V semaphores: SETALL/GETALL/SETVAL, SEM_UNDO, IPC_NOWAIT and time-outs, a child and a thread blocked in semop until posted, IPC_STAT, IPC_RMID. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static int sem_id;

static void op(int num, int delta, int flags)
{
    struct sembuf b = { (unsigned short)num, (short)delta, (short)flags };
    CHECK_SYS(semop(sem_id, &b, 1));
}

static int value(int num)
{
    int v = semctl(sem_id, num, GETVAL);
    CHECK_SYS(v);
    return v;
}

static void *waiter(void *arg)
{
    (void)arg;
    op(1, -1, 0); /* blocks until main posts */
    op(2, 1, 0);
    return NULL;
}

int main(void)
{
    sem_id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
    CHECK_SYS(sem_id);
    unsigned short set[3] = { 1, 0, 2 }, got[3] = { 9, 9, 9 };
    CHECK_SYS(semctl(sem_id, 0, SETALL, (union semun){ .array = set }));
    CHECK_SYS(semctl(sem_id, 0, GETALL, (union semun){ .array = got }));
    printf("GETALL: %u %u %u\n", got[0], got[1], got[2]);
    CHECK_SYS(semctl(sem_id, 2, SETVAL, (union semun){ .val = 5 }));
    printf("GETVAL after SETVAL 5: %d\n", value(2));
    struct semid_ds ds;
    CHECK_SYS(semctl(sem_id, 0, IPC_STAT, (union semun){ .buf = &ds }));
    printf("IPC_STAT: %lu semaphores, mode %o\n", (unsigned long)ds.sem_nsems, ds.sem_perm.mode & 0777);

    /* Two operations at once, then one that would block. */
    struct sembuf two[2] = { { 0, -1, 0 }, { 2, -2, 0 } };
    CHECK_SYS(semop(sem_id, two, 2));
    printf("after a double op: %d %d\n", value(0), value(2));
    struct sembuf none = { 0, -1, IPC_NOWAIT };
    CHECK_ERR(semop(sem_id, &none, 1), EAGAIN);
    struct timespec brief = { 0, 20000000 };
    struct sembuf wait0 = { 0, -1, 0 };
    CHECK_ERR(semtimedop(sem_id, &wait0, 1, &brief), EAGAIN);
    CHECK(semctl(sem_id, 0, GETPID) == getpid());
    printf("IPC_NOWAIT and a time-out: EAGAIN\n");

    /* SEM_UNDO: what a child took comes back when it ends. */
    fflush(stdout);
    pid_t pid = fork();
    CHECK_SYS(pid);
    if (pid == 0) {
        op(2, -3, SEM_UNDO);
        _exit(value(2) == 0 ? 0 : 1);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("after the child's undo: %d\n", value(2));

    /* A child blocks until the parent posts. */
    fflush(stdout);
    pid = fork();
    CHECK_SYS(pid);
    if (pid == 0) {
        op(1, -1, 0);
        printf("child: posted\n");
        fflush(stdout);
        _exit(0);
    }
    usleep(30000);
    op(1, 1, 0);
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

    /* A thread blocks until the main thread posts; it answers on another semaphore. */
    CHECK_SYS(semctl(sem_id, 2, SETVAL, (union semun){ .val = 0 }));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, waiter, NULL));
    usleep(30000);
    CHECK(semctl(sem_id, 1, GETNCNT) == 1);
    op(1, 1, 0);
    op(2, -1, 0);
    CHECK_PT(pthread_join(t, NULL));
    printf("thread: posted and answered\n");

    CHECK_SYS(semctl(sem_id, 0, IPC_RMID));
    CHECK_ERR(semop(sem_id, &none, 1), EINVAL);
    printf("removed\n");
    pass("ipc_sem");
    return 0;
}
