/* syscall.c - the syscall table built from syscalls.def, indexed by number. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <mqueue.h>
#include <sys/epoll.h>
#include <sys/sem.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <utime.h>

#include "chorus.h"

#define V	{ .kind = A_VAL }
#define FD	{ .kind = A_FD }
#define PID	{ .kind = A_PID }
#define PGID	{ .kind = A_PGID }
#define PTR	{ .kind = A_PTR }
#define STR	{ .kind = A_STR }
#define STRV	{ .kind = A_STRV }
#define MSGI	{ .kind = A_MSG_IN }
#define MSGO	{ .kind = A_MSG_OUT }
#define FDSET	{ .kind = A_FDSET }
#define IN(n)	{ .kind = A_IN, .len = n }
#define OUT(n)	{ .kind = A_OUT, .len = n }
#define OUTL(n)	{ .kind = A_OUTL, .len = n }
#define IOVI(n)	{ .kind = A_IOV_IN, .len = n }
#define IOVO(n)	{ .kind = A_IOV_OUT, .len = n }
#define SIGSET(n) { .kind = A_SIGSET, .len = n }
#define SADDR(n) { .kind = A_SADDR, .len = n }
#define INS(T)	{ .kind = A_INS, .size = sizeof(T) }
#define OUTS(T)	{ .kind = A_OUTS, .size = sizeof(T) }
#define IOS(T)	{ .kind = A_IOS, .size = sizeof(T) }
#define IOA(n, T) { .kind = A_IOA, .len = n, .size = sizeof(T) }
#define OUTA(T)	{ .kind = A_OUTA, .size = sizeof(T) }
#define INA(n, T) { .kind = A_INA, .len = n, .size = sizeof(T) }
#define MTI(n)	{ .kind = A_MTEXT_IN, .len = n }
#define MTO(n)	{ .kind = A_MTEXT_OUT, .len = n }
#define POLLFD(n) { .kind = A_POLLFD, .len = n, .size = sizeof(struct pollfd) }
#define TMO	{ .kind = A_INS, .size = sizeof(struct timespec), .timeout = 1 }
#define TMOMS	{ .kind = A_INT, .timeout = 1 }

#define NARGS(...) ((int)(sizeof((struct arg_desc[]){ __VA_ARGS__ }) / sizeof(struct arg_desc)))

#define SC(name_, pol, pre_, post_, ...)                                             \
	{ .name = #name_, .nr = __NR_##name_, .policy = RUN_##pol, .pre = pre_, .post = post_, \
	  .nargs = NARGS(__VA_ARGS__), .arg = { __VA_ARGS__ } },
#define DENY(name_, e) { .name = #name_, .nr = __NR_##name_, .policy = RUN_DENY, .err = e },

static const struct sc_desc table[] = {
#include "syscalls.def"
};

static const struct sc_desc *by_nr[MAX_SYSCALL];
static bool indexed;

static void build_index(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].nr < 0 || table[i].nr >= MAX_SYSCALL || by_nr[table[i].nr])
			die("syscall table: bad or duplicate row %s", table[i].name);
		by_nr[table[i].nr] = &table[i];
	}
	indexed = true;
}

const struct sc_desc *sc_lookup(long nr)
{
	if (!indexed)
		build_index();
	if (nr < 0 || nr >= MAX_SYSCALL)
		return NULL;
	return by_nr[nr];
}

const struct sc_desc *sc_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

int sc_count(void)
{
	return (int)(sizeof(table) / sizeof(table[0]));
}

const struct sc_desc *sc_at(int i)
{
	return &table[i];
}
