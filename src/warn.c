/* warn.c - warnings on stderr, one per kind of refused syscall. */
#define _GNU_SOURCE
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "chorus.h"

void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "chorus: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Warns once per syscall (or syscall and sub-command: WARN_KEY(nr, op)). */
void warn_once_syscall(long key, const char *what)
{
	static long seen[256];
	static int nseen;
	long nr = key >> 32 ? key >> 32 : key;
	const struct sc_desc *d = sc_lookup(nr);
	char *name = d ? NULL : seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)nr);

	for (int i = 0; i < nseen; i++)
		if (seen[i] == key)
			return;
	if (nseen < 256)
		seen[nseen++] = key;
	if (key >> 32)
		warn("%s %#lx %s", d ? d->name : "syscall", key & 0xffffffffL, what);
	else
		warn("syscall %s (%ld) %s", d ? d->name : name ? name : "unknown", nr, what);
	free(name);
}
