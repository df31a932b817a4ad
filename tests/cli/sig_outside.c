/*
 * Signals sent from outside to the program's pid while it keeps them
 * blocked, taken with sigwaitinfo, sigpending, a signalfd and sigtimedwait.
 * argv[1]: a directory; the program writes DIR/pid when its signals are
 * blocked, and DIR/ready when it waits in a blocking signalfd read.
 * Expected from outside, after DIR/pid: SIGUSR1, SIGUSR2, SIGRTMIN,
 * SIGRTMIN, SIGRTMIN+1 in that order; after DIR/ready: SIGUSR2.
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
	sigset_t all, fdset, one;
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	siginfo_t si;
	int fd, tries = 0;

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

	for (;;) { /* the last one sent, SIGRTMIN+1, shows all have come */
		sigset_t p;

		sigpending(&p);
		if (sigismember(&p, SIGRTMIN + 1)) {
			printf("pending:%s%s%s%s\n", sigismember(&p, SIGUSR1) ? " SIGUSR1" : "",
			       sigismember(&p, SIGUSR2) ? " SIGUSR2" : "", sigismember(&p, SIGRTMIN) ? " SIGRTMIN" : "",
			       sigismember(&p, SIGRTMIN + 1) ? " SIGRTMIN+1" : "");
			break;
		}
		if (++tries > 1000)
			return 1;
		nanosleep(&tick, NULL);
	}

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
	sigprocmask(SIG_UNBLOCK, &all, NULL); /* one still queued would end the program */
	printf("done\n");
	return 0;
}
