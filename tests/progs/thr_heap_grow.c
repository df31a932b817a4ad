/*
 * A thread whose allocations depend on where its data lies, as V8's hash
 * tables keyed by addresses make them: glibc grows the thread's malloc
 * heap (mprotect of its reservation) at other points in each variant,
 * and more often in some, between calls every variant makes. What the
 * program prints does not depend on it.
 */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdint.h>

/* repeat: 3 */

#define ROUNDS 60

static void *grow(void *arg)
{
    size_t size = 2000 + (((uintptr_t)&arg >> 32) & 3) * 3000;
    void *keep[ROUNDS * 8];
    long made = 0;

    for (int i = 0; i < ROUNDS; i++) {
        for (int k = 0; k < 8; k++) {
            keep[i * 8 + k] = malloc(size);
            CHECK(keep[i * 8 + k] != NULL);
            memset(keep[i * 8 + k], i, size);
        }
        made += getppid() > 0; /* a call every variant makes */
    }
    for (int i = 0; i < ROUNDS * 8; i++)
        free(keep[i]);
    return (void *)made;
}

int main(void)
{
    pthread_t t;
    void *made;

    CHECK_PT(pthread_create(&t, NULL, grow, NULL));
    CHECK_PT(pthread_join(t, &made));
    printf("rounds %ld\n", (long)made);
    pass("thr_heap_grow");
    return 0;
}
