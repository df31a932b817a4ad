/* syscall.c - the syscall table built from syscalls.def, indexed by number. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
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

#define V	{ A_VAL, 0, 0 }
#define FD	{ A_FD, 0, 0 }
#define PID	{ A_PID, 0, 0 }
#define PTR	{ A_PTR, 0, 0 }
#define STR	{ A_STR, 0, 0 }
#define STRV	{ A_STRV, 0, 0 }
#define MSGI	{ A_MSG_IN, 0, 0 }
#define MSGO	{ A_MSG_OUT, 0, 0 }
#define FDSET	{ A_FDSET, 0, 0 }
#define IN(n)	{ A_IN, n, 0 }
#define OUT(n)	{ A_OUT, n, 0 }
#define OUTL(n)	{ A_OUTL, n, 0 }
#define IOVI(n)	{ A_IOV_IN, n, 0 }
#define IOVO(n)	{ A_IOV_OUT, n, 0 }
#define SIGSET(n) { A_SIGSET, n, 0 }
#define SADDR(n) { A_SADDR, n, 0 }
#define INS(T)	{ A_INS, 0, sizeof(T) }
#define OUTS(T)	{ A_OUTS, 0, sizeof(T) }
#define IOS(T)	{ A_IOS, 0, sizeof(T) }
#define IOA(n, T) { A_IOA, n, sizeof(T) }
#define OUTA(T)	{ A_OUTA, 0, sizeof(T) }
#define POLLFD(n) { A_POLLFD, n, sizeof(struct pollfd) }

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
