/*
 * A time-of-check to time-of-use attack on the monitor: thread A writes a
 * buffer the monitor compares; thread B rewrites it with text that depends
 * on its variant's stack address, holds it a few microseconds, then puts
 * it back.
 * Under chorus no line of B's may reach the output unless the variants were
 * stopped for a divergence: the data written is the data compared.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 3000
static char buf[] = "good 0000000000000000\n";
static atomic_int stop;

static void *attacker(void *arg)
{
    char evil[sizeof buf], good[sizeof buf];

    (void)arg;
    snprintf(evil, sizeof evil, "evil %016lx\n", (unsigned long)&evil);
    memcpy(good, buf, sizeof buf);
    while (!atomic_load(&stop)) {
        memcpy(buf, evil, sizeof buf - 1);
        __asm__ volatile("" ::: "memory"); /* the stores happen, in this order */
        for (volatile int i = 0; i < 100000; i++) /* hold it a while */
            ;
        memcpy(buf, good, sizeof buf - 1);
        __asm__ volatile("" ::: "memory");
        sched_yield();
    }
    return NULL;
}

int main(void)
{
    pthread_t t;

    if (pthread_create(&t, NULL, attacker, NULL) != 0)
        return 2;
    for (int i = 0; i < ROUNDS; i++) {
        if (write(1, buf, sizeof buf - 1) != (ssize_t)sizeof buf - 1)
            return 3;
        if (i % 8 == 0)
            sched_yield();
    }
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    return 0;
}
