/* Threads: 4 threads meet at a pthread barrier for 200 rounds; the serial thread of each round checks what all wrote in the round before. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

#define NTHREADS 4
#define ROUNDS 200

static pthread_barrier_t barrier;
/* slot[r][i]: written by thread i in round r, plain memory ordered by the barrier. */
static long slot[ROUNDS][NTHREADS];
static _Atomic int serials, checked;

static long value(int r, int i)
{
    return (long)(r + 1) * 10 + i;
}

static long expected_sum(int r)
{
    long s = 0;
    for (int i = 0; i < NTHREADS; i++)
        s += value(r, i);
    return s;
}

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg, mine = 0;
    for (int r = 0; r < ROUNDS; r++) {
        slot[r][i] += value(r, i);
        int rc = pthread_barrier_wait(&barrier);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
            atomic_fetch_add(&serials, 1);
            mine++;
            if (r > 0) {
                long s = 0;
                for (int j = 0; j < NTHREADS; j++)
                    s += slot[r - 1][j];
                CHECK(s == expected_sum(r - 1));
                atomic_fetch_add(&checked, 1);
            }
        } else {
            CHECK(rc == 0);
        }
    }
    return (void *)(intptr_t)mine;
}

int main(void)
{
    pthread_t th[NTHREADS];
    fflush(stdout);
    CHECK_PT(pthread_barrier_init(&barrier, NULL, NTHREADS));
    for (int i = 0; i < NTHREADS; i++)
        CHECK_PT(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i));
    int serial_total = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        CHECK_PT(pthread_join(th[i], &ret));
        serial_total += (int)(intptr_t)ret;
    }
    CHECK_PT(pthread_barrier_destroy(&barrier));

    long total = 0;
    for (int r = 0; r < ROUNDS; r++) {
        long s = 0;
        for (int i = 0; i < NTHREADS; i++)
            s += slot[r][i];
        CHECK(s == expected_sum(r));
        total += s;
    }
    CHECK(serial_total == ROUNDS && atomic_load(&serials) == ROUNDS);
    CHECK(atomic_load(&checked) == ROUNDS - 1);
    printf("rounds %d serial threads %d rounds checked %d total %ld\n", ROUNDS,
           serial_total, atomic_load(&checked), total);
    pass("thr_barrier");
    return 0;
}
