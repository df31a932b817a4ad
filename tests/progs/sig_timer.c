/* Asynchronous signals from timers: alarm+pause, setitimer interrupting a blocking read (EINTR), SA_RESTART. */
#define _GNU_SOURCE
#include "check.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/time.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* Arm ITIMER_REAL; periodic so that a tick lost before the blocking call is followed by another. */
static void set_timer_us(long us, int periodic)
{
    struct itimerval it = {
        .it_interval = { 0, periodic ? us : 0 },
        .it_value = { us / 1000000, us % 1000000 },
    };
    CHECK_SYS(setitimer(ITIMER_REAL, &it, NULL));
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK_SYS(sigaction(SIGALRM, &sa, NULL));

    /* setitimer interrupts a read on an empty pipe: EINTR. */
    int p[2];
    CHECK_SYS(pipe(p));
    char c;
    int64_t t0 = now_ns();
    set_timer_us(5000, 1);
    CHECK_ERR(read(p[0], &c, 1), EINTR);
    set_timer_us(0, 0);
    CHECK(alarms >= 1);
    CHECK(now_ns() - t0 >= 4000000);
    printf("read interrupted by SIGALRM\n");

    /* pause() returns after the handler ran. */
    sig_atomic_t before = alarms;
    set_timer_us(3000, 1);
    CHECK_ERR(pause(), EINTR);
    set_timer_us(0, 0);
    CHECK(alarms > before);
    printf("pause interrupted by SIGALRM\n");

    /* getitimer on a disarmed timer, and on an armed one. */
    struct itimerval cur;
    CHECK_SYS(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
    set_timer_us(500000, 0);
    CHECK_SYS(getitimer(ITIMER_REAL, &cur));
    CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 500000);
    set_timer_us(0, 0);

    /* alarm() returns the seconds left on a previous alarm. */
    CHECK(alarm(10) == 0);
    CHECK(alarm(0) >= 9);

    /* nanosleep is never restarted, even with SA_RESTART: EINTR and the time left. */
    sa.sa_flags = SA_RESTART;
    CHECK_SYS(sigaction(SIGALRM, &sa, NULL));
    struct timespec nap = { 0, 200000000 }, rem = { 0, 0 };
    before = alarms;
    set_timer_us(3000, 1);
    CHECK_ERR(nanosleep(&nap, &rem), EINTR);
    set_timer_us(0, 0);
    CHECK(alarms > before);
    /* The time left counts from the timer's hard end, up to the task's timer slack past the time asked. */
    long slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    CHECK(slack >= 0);
    CHECK(rem.tv_sec == 0 && rem.tv_nsec > 0 && rem.tv_nsec <= 200000000 + slack);
    printf("nanosleep interrupted with time remaining\n");

    CHECK_SYS(close(p[0]));
    CHECK_SYS(close(p[1]));
    pass("sig_timer");
    return 0;
}
