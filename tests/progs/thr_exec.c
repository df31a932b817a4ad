/* Threads: a thread other than the first calls execve while another sleeps in pause() and main waits in pthread_join. */
/* repeat: 20 */
#include "check.h"

#include <pthread.h>

static void *execer(void *arg)
{
    char *argv[] = { "echo", "ok", "thr_exec", NULL };

    (void)arg;
    printf("worker: exec\n");
    fflush(stdout);
    execv("/bin/echo", argv);
    check_failed(__FILE__, __LINE__, "execv", errno);
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

int main(void)
{
    pthread_t s, t;

    printf("main: starting threads\n");
    fflush(stdout);
    CHECK_PT(pthread_create(&s, NULL, sleeper, NULL));
    CHECK_PT(pthread_create(&t, NULL, execer, NULL));
    CHECK_PT(pthread_join(t, NULL));
    CHECK(!"the process was replaced: not reached");
    return 1;
}
