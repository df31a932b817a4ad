/* System V shared memory: a private and a keyed segment, shared with a child, pointers kept there, IPC_STAT and IPC_RMID. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>

struct area {
    int counter;
    void *mine; /* an address of this process's: each variant its own */
};

/* A child adds to a counter in the segment: once, as natively. */
static void child_adds(struct area *a)
{
    pid_t pid = fork();
    int st;

    CHECK_SYS(pid);
    if (pid == 0) {
        a->counter += 5;
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    struct shmid_ds ds;
    int local = 0;
    int id = shmget(IPC_PRIVATE, sizeof(struct area), IPC_CREAT | 0600);

    CHECK_SYS(id);
    struct area *a = shmat(id, NULL, 0);
    CHECK(a != (void *)-1);
    a->counter = 1;
    a->mine = &local;
    child_adds(a);
    CHECK(a->mine == &local);
    printf("private segment: counter %d, pointer kept\n", a->counter);
    CHECK_SYS(shmctl(id, IPC_STAT, &ds));
    printf("attached %d, size %zu, mode %o\n", (int)ds.shm_nattch, (size_t)ds.shm_segsz, ds.shm_perm.mode & 0777);
    CHECK_SYS(shmdt(a));
    CHECK_SYS(shmctl(id, IPC_RMID, NULL));
    CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL);
    printf("removed\n");

    /* A keyed segment, made exclusively; a second get finds it. */
    key_t key = (key_t)(0x43680000 | (getpid() & 0xffff));
    int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
    CHECK_SYS(k);
    CHECK(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640) == -1 && errno == EEXIST);
    CHECK(shmget(key, 0, 0) == k);
    char *p = shmat(k, NULL, SHM_RDONLY);
    char *w = shmat(k, NULL, 0);
    CHECK(p != (void *)-1 && w != (void *)-1);
    strcpy(w, "written through one attachment");
    printf("read through the other: %s\n", p);
    CHECK_SYS(shmctl(k, IPC_STAT, &ds));
    printf("keyed segment: attached %d, mode %o\n", (int)ds.shm_nattch, ds.shm_perm.mode & 0777);
    CHECK_SYS(shmctl(k, IPC_RMID, NULL));
    CHECK_SYS(shmdt(p));
    CHECK_SYS(shmdt(w));
    CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
    pass("shm_sysv");
    return 0;
}
