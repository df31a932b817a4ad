/* Threads: timeouts of pthread_cond_timedwait, pthread_mutex_timedlock and sem_timedwait; a sem_post from another thread wakes sem_wait. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <semaphore.h>

static const char *err_name(int e)
{
    switch (e) {
    case 0: return "0";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EAGAIN: return "EAGAIN";
    case EBUSY: return "EBUSY";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    default: return "other";
    }
}

/* An absolute deadline ms milliseconds from now on clock clk. */
static struct timespec deadline(clockid_t clk, long ms)
{
    struct timespec ts;
    CHECK_SYS(clock_gettime(clk, &ts));
    ts.tv_nsec += ms * 1000000;
    ts.tv_sec += ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    return ts;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding, release_it, wake;

static void *holder(void *arg)
{
    (void)arg;
    CHECK_PT(pthread_mutex_lock(&held));
    CHECK_SYS(sem_post(&holding));
    while (sem_wait(&release_it) == -1)
        CHECK(errno == EINTR);
    CHECK_PT(pthread_mutex_unlock(&held));
    return NULL;
}

static void *poster(void *arg)
{
    (void)arg;
    struct timespec ts = { .tv_nsec = 5 * 1000000 };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
    CHECK_SYS(sem_post(&wake));
    return NULL;
}

int main(void)
{
    pthread_t t;
    int rc;
    fflush(stdout);

    /* A condvar on CLOCK_MONOTONIC nobody signals: ETIMEDOUT, not before the deadline. */
    pthread_condattr_t ca;
    pthread_cond_t cond;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    CHECK_PT(pthread_condattr_init(&ca));
    CHECK_PT(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC));
    CHECK_PT(pthread_cond_init(&cond, &ca));
    CHECK_PT(pthread_condattr_destroy(&ca));
    struct timespec dl = deadline(CLOCK_MONOTONIC, 20);
    CHECK_PT(pthread_mutex_lock(&m));
    do
        rc = pthread_cond_timedwait(&cond, &m, &dl);
    while (rc == 0); /* a spurious wakeup */
    CHECK_PT(pthread_mutex_unlock(&m));
    struct timespec now;
    CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &now));
    CHECK(now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec));
    printf("pthread_cond_timedwait: %s\n", err_name(rc));
    CHECK(rc == ETIMEDOUT);
    CHECK_PT(pthread_cond_destroy(&cond));

    /* A mutex another thread holds. */
    CHECK_SYS(sem_init(&holding, 0, 0));
    CHECK_SYS(sem_init(&release_it, 0, 0));
    CHECK_PT(pthread_create(&t, NULL, holder, NULL));
    while (sem_wait(&holding) == -1)
        CHECK(errno == EINTR);
    printf("pthread_mutex_trylock: %s\n", err_name(pthread_mutex_trylock(&held)));
    dl = deadline(CLOCK_REALTIME, 10);
    rc = pthread_mutex_timedlock(&held, &dl);
    printf("pthread_mutex_timedlock: %s\n", err_name(rc));
    CHECK(rc == ETIMEDOUT);
    CHECK_SYS(sem_post(&release_it));
    CHECK_PT(pthread_join(t, NULL));
    dl = deadline(CLOCK_REALTIME, 10);
    rc = pthread_mutex_timedlock(&held, &dl);
    printf("pthread_mutex_timedlock once released: %s\n", err_name(rc));
    CHECK(rc == 0);
    CHECK_PT(pthread_mutex_unlock(&held));

    /* A semaphore at 0 in private memory. */
    CHECK_SYS(sem_init(&wake, 0, 0));
    errno = 0;
    rc = sem_trywait(&wake);
    printf("sem_trywait: %d %s\n", rc, err_name(errno));
    CHECK(rc == -1 && errno == EAGAIN);
    dl = deadline(CLOCK_REALTIME, 10);
    do {
        errno = 0;
        rc = sem_timedwait(&wake, &dl);
    } while (rc == -1 && errno == EINTR);
    printf("sem_timedwait: %d %s\n", rc, err_name(errno));
    CHECK(rc == -1 && errno == ETIMEDOUT);

    /* sem_post from another thread wakes sem_wait. */
    CHECK_PT(pthread_create(&t, NULL, poster, NULL));
    do {
        errno = 0;
        rc = sem_wait(&wake);
    } while (rc == -1 && errno == EINTR);
    printf("sem_wait after sem_post: %d\n", rc);
    CHECK(rc == 0);
    CHECK_PT(pthread_join(t, NULL));
    int v;
    CHECK_SYS(sem_getvalue(&wake, &v));
    CHECK(v == 0);
    CHECK_SYS(sem_destroy(&wake));
    CHECK_SYS(sem_destroy(&holding));
    CHECK_SYS(sem_destroy(&release_it));
    pass("thr_timed");
    return 0;
}
