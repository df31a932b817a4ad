/*
 * Processes synchronised through memory they share: a named POSIX
 * semaphore (a file in /dev/shm, mapped shared) and an anonymous shared
 * mapping, inherited across fork. Three children add to a shared counter
 * and post; the parent waits for the three posts. Each variant's processes
 * share their own copy, and take turns as threads do.
 */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>

int main(void)
{
    char name[64];
    sem_t *s;
    int *shared, value, status;

    snprintf(name, sizeof name, "/chorus-proc-sem-%d", (int)getpid());
    s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    CHECK(s != SEM_FAILED);
    CHECK(sem_unlink(name) == 0);
    shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();

        CHECK(pid >= 0);
        if (pid == 0) {
            __atomic_add_fetch(shared, i + 1, __ATOMIC_SEQ_CST);
            CHECK(sem_post(s) == 0);
            _exit(0);
        }
    }
    for (int i = 0; i < 3; i++)
        CHECK(sem_wait(s) == 0);
    for (int i = 0; i < 3; i++) {
        CHECK(wait(&status) > 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(sem_getvalue(s, &value) == 0);
    printf("sum %d, semaphore %d\n", *shared, value);
    CHECK(*shared == 6 && value == 0);
    CHECK(sem_close(s) == 0);
    pass("proc_sem");
    return 0;
}
