/* Two threads hand a token back and forth N times through a mutex and a condition variable. */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long turn, rounds;

static void play(long me)
{
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&m);
		while (turn != me)
			pthread_cond_wait(&cv, &m);
		turn = !me;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&m);
	}
}

static void *other(void *arg)
{
	(void)arg;
	play(1);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	rounds = argc > 1 ? atol(argv[1]) : 1000;
	pthread_create(&t, NULL, other, NULL);
	play(0);
	pthread_join(t, NULL);
	return 0;
}
