/* Threads: bounded buffer of 8 with a mutex and two condvars; 2 producers x 5000 items, 2 consumers; every item consumed once, in order per producer. */
/* repeat: 20 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>

#define NPROD 2
#define NCONS 2
#define PER_PROD 5000
#define BUFSZ 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int buf[BUFSZ], head, count, prod_done;

struct cons {
    unsigned char seen[NPROD * PER_PROD];
    long n, sum;
    int order_ok;
};
static struct cons cons[NCONS];

static void *producer(void *arg)
{
    int p = (int)(intptr_t)arg;
    for (int k = 0; k < PER_PROD; k++) {
        CHECK_PT(pthread_mutex_lock(&lock));
        while (count == BUFSZ)
            CHECK_PT(pthread_cond_wait(&not_full, &lock));
        buf[(head + count) % BUFSZ] = p * PER_PROD + k;
        count++;
        CHECK_PT(pthread_cond_signal(&not_empty));
        CHECK_PT(pthread_mutex_unlock(&lock));
    }
    CHECK_PT(pthread_mutex_lock(&lock));
    prod_done++;
    CHECK_PT(pthread_cond_broadcast(&not_empty));
    CHECK_PT(pthread_mutex_unlock(&lock));
    return NULL;
}

static void *consumer(void *arg)
{
    struct cons *c = arg;
    int last[NPROD];
    for (int p = 0; p < NPROD; p++)
        last[p] = -1;
    c->order_ok = 1;
    for (;;) {
        CHECK_PT(pthread_mutex_lock(&lock));
        while (count == 0 && prod_done < NPROD)
            CHECK_PT(pthread_cond_wait(&not_empty, &lock));
        if (count == 0) {
            CHECK_PT(pthread_mutex_unlock(&lock));
            break;
        }
        int item = buf[head];
        head = (head + 1) % BUFSZ;
        count--;
        CHECK_PT(pthread_cond_signal(&not_full));
        CHECK_PT(pthread_mutex_unlock(&lock));

        CHECK(item >= 0 && item < NPROD * PER_PROD);
        c->seen[item]++;
        c->n++;
        c->sum += item;
        int p = item / PER_PROD, k = item % PER_PROD;
        if (k <= last[p])
            c->order_ok = 0;
        last[p] = k;
    }
    return NULL;
}

int main(void)
{
    pthread_t pt[NPROD], ct[NCONS];
    fflush(stdout);
    for (int i = 0; i < NCONS; i++)
        CHECK_PT(pthread_create(&ct[i], NULL, consumer, &cons[i]));
    for (int i = 0; i < NPROD; i++)
        CHECK_PT(pthread_create(&pt[i], NULL, producer, (void *)(intptr_t)i));
    for (int i = 0; i < NPROD; i++)
        CHECK_PT(pthread_join(pt[i], NULL));
    for (int i = 0; i < NCONS; i++)
        CHECK_PT(pthread_join(ct[i], NULL));

    long n = 0, sum = 0;
    for (int i = 0; i < NCONS; i++) {
        n += cons[i].n;
        sum += cons[i].sum;
        CHECK(cons[i].order_ok);
    }
    for (int item = 0; item < NPROD * PER_PROD; item++) {
        int times = 0;
        for (int i = 0; i < NCONS; i++)
            times += cons[i].seen[item];
        CHECK(times == 1);
    }
    CHECK(count == 0 && prod_done == NPROD);
    printf("produced %d consumed %ld sum %ld\n", NPROD * PER_PROD, n, sum);
    printf("every item consumed exactly once, in order per producer\n");
    pass("thr_prodcons");
    return 0;
}
