/*
 * Signals sent from outside to the program's pid while it keeps them
 * blocked, taken with sigwaitinfo, sigpending, a signalfd and sigtimedwait.
 * argv[1]: a directory; the program writes DIR/pid when its signals are
 * blocked, and DIR/ready when it waits in a blocking signalfd read.
 * Expected from outside, after DIR/pid: SIGUSR1, SIGUSR2, SIGRTMIN,
 * SIGRTMIN, SIGRTMIN+1 in that order; after DIR/ready: SIGUSR2; after
 * DIR/handler: SIGUSR1, which it then handles as it unblocks it.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static void mark(const char *dir, const char *name)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		perror(path);
		exit(1);
	}
}

static volatile sig_atomic_t handled;

static void on_usr1(int s)
{
	(void)s;
	handled++;
}

/* Waits until signal s is pending. */
static void wait_pending(int s)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	sigset_t p;

	for (int tries = 0; tries < 1000; tries++) {
		sigpending(&p);
		if (sigismember(&p, s))
			return;
		nanosleep(&tick, NULL);
	}
	exit(1);
}

/*
 * A handled signal that came while blocked: its handler runs before
 * sigprocmask, unblocking it, returns.
 */
static void unblock_handled(const char *dir)
{
	struct sigaction sa;
	sigset_t one;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	mark(dir, "handler");
	wait_pending(SIGUSR1);
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	printf("handler ran before sigprocmask returned: %s\n", handled == 1 ? "yes" : "no");
}

static const char *name(int s)
{
	static char buf[32];

	if (s == SIGUSR1)
		return "SIGUSR1";
	if (s == SIGUSR2)
		return "SIGUSR2";
	snprintf(buf, sizeof(buf), "SIGRTMIN+%d", s - SIGRTMIN);
	return buf;
}

/* Reads n records from the signalfd, in reads of up to `per` records. */
static void read_records(int fd, int n, int per)
{
	struct signalfd_siginfo r[4];

	while (n > 0) {
		ssize_t got = read(fd, r, sizeof(r[0]) * (size_t)per);

		if (got <= 0 || got % (ssize_t)sizeof(r[0])) {
			printf("signalfd read: %zd\n", got);
			exit(1);
		}
		for (ssize_t i = 0; i < got / (ssize_t)sizeof(r[0]); i++, n--)
			printf("signalfd: %s code %s uid %s pid %s\n", name((int)r[i].ssi_signo),
			       r[i].ssi_code == SI_USER ? "SI_USER" : r[i].ssi_code == SI_TKILL ? "SI_TKILL" : "other",
			       r[i].ssi_uid == getuid() ? "mine" : "other",
			       (pid_t)r[i].ssi_pid == getpid() ? "mine" : "another");
	}
}

int main(int argc, char **argv)
{
	sigset_t all, fdset, one, pend;
	siginfo_t si;
	int fd;

	if (argc != 2)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&all);
	sigaddset(&all, SIGUSR1);
	sigaddset(&all, SIGUSR2);
	sigaddset(&all, SIGRTMIN);
	sigaddset(&all, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &all, NULL);
	mark(argv[1], "pid");

	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	if (sigwaitinfo(&one, &si) != SIGUSR1)
		return 1;
	printf("sigwaitinfo: %s code %s\n", name(si.si_signo), si.si_code == SI_USER ? "SI_USER" : "other");

	wait_pending(SIGRTMIN + 1); /* the last one sent: all have come */
	sigpending(&pend);
	printf("pending:%s%s%s%s\n", sigismember(&pend, SIGUSR1) ? " SIGUSR1" : "",
	       sigismember(&pend, SIGUSR2) ? " SIGUSR2" : "", sigismember(&pend, SIGRTMIN) ? " SIGRTMIN" : "",
	       sigismember(&pend, SIGRTMIN + 1) ? " SIGRTMIN+1" : "");

	sigemptyset(&fdset);
	sigaddset(&fdset, SIGUSR2);
	sigaddset(&fdset, SIGRTMIN);
	fd = signalfd(-1, &fdset, SFD_CLOEXEC);
	if (fd < 0)
		return 1;
	read_records(fd, 1, 1); /* SIGUSR2 */
	read_records(fd, 2, 4); /* SIGRTMIN twice, in one read */

	sigemptyset(&one);
	sigaddset(&one, SIGRTMIN + 1);
	struct timespec none = { 0, 0 };
	if (sigtimedwait(&one, &si, &none) != SIGRTMIN + 1)
		return 1;
	printf("sigtimedwait: %s\n", name(si.si_signo));

	raise(SIGUSR2); /* from itself, in every variant */
	read_records(fd, 1, 4);
	printf("nothing left: %s\n", sigtimedwait(&all, &si, &none) < 0 ? "yes" : "no");

	mark(argv[1], "ready");
	read_records(fd, 1, 4); /* blocks until SIGUSR2 comes */
	unblock_handled(argv[1]);
	sigprocmask(SIG_UNBLOCK, &all, NULL); /* one still queued would end the program */
	printf("done\n");
	return 0;
}
