/* sys/tmpname.c - a new temporary file's name: the leader's choice, in every variant. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>

#include "../blob.h"

/*
 * mkstemp and mkdtemp in glibc name the new file from a value seeded with
 * the address of a local variable (and the clock), before any getrandom:
 * with the stack elsewhere in each variant, each picks another name, and
 * gcc, sort, sed -i and the like would diverge for that alone. As for
 * getrandom, the leader's choice is made every variant's: when the names
 * of an exclusive create differ only in a run of at most sixteen letters
 * or digits of their last component, the leader's name is written over
 * the other variant's, before the call is compared. (glibc's templates
 * end in six X's; mktemp(1), with gnulib's copy of the same code, ten by
 * default, and more when asked.) Any other difference is still a
 * divergence; and the name created is the leader's either way.
 */
#define RANDOM_CHARS 16

static bool random_part(const struct blob *a, const struct blob *b)
{
	size_t first = a->n, last = 0;

	if (a->n != b->n || a->null || b->null || a->fault || b->fault)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->p[i] != b->p[i]) {
			if (!isalnum(a->p[i]) || !isalnum(b->p[i]))
				return false;
			if (first == a->n)
				first = i;
			last = i;
		}
	if (first == a->n || last - first >= RANDOM_CHARS)
		return false;
	return !memchr(a->p + first, '/', a->n - first);
}

/* The path argument of an exclusive create, or -1. */
static int created_path(struct vset *set, long nr)
{
	long flags;

	switch (nr) {
	case __NR_mkdir: return 0;
	case __NR_mkdirat: return 1;
	case __NR_open: flags = arg_get(&set->t[0].regs, 1); return (flags & O_CREAT) && (flags & O_EXCL) ? 0 : -1;
	case __NR_openat: flags = arg_get(&set->t[0].regs, 2); return (flags & O_CREAT) && (flags & O_EXCL) ? 1 : -1;
	}
	return -1;
}

void tmpname_reconcile(struct vset *set, struct call *c)
{
	int i = created_path(set, c->nr);
	struct blob lead, other;

	if (i < 0)
		return;
	blob_load(&lead, &set->t[0], &c->arg[i], i);
	for (int v = 1; v < set->n; v++) {
		blob_load(&other, &set->t[v], &c->arg[i], i);
		if (random_part(&lead, &other))
			mem_write(set->t[v].tid, (uint64_t)arg_get(&set->t[v].regs, i), lead.p, lead.n);
		blob_free(&other);
	}
	blob_free(&lead);
}

void sys_mkdir_pre(struct vset *set, struct call *c)
{
	tmpname_reconcile(set, c);
	sys_names_pre(set, c);
}
