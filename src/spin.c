/*
 * spin.c - does a thread that runs on without syscalls wait for another?
 *
 * A thread that runs without a syscall while others wait for the turn
 * may be waiting for them in a busy loop (a spin lock, a flag another
 * thread sets): it would never give the turn up. The monitor stops it in
 * every variant from time to time (sched.c) and looks. The turn passes
 * when a loop has changed nothing another thread could see, whichever
 * round of it each variant was in:
 *
 *  - every register as the previous look found it, no syscall between,
 *    and every variant at the same place of the program (a loop that only
 *    waits, whose registers do not move: a spin lock);
 *  - or, in every variant, the same function at both looks, the same in
 *    every variant, and not a byte of the process's writable memory
 *    changed between the looks (a loop with a back-off counter, whose
 *    registers move but which writes nothing).
 *
 * Otherwise (a computation stopped at one place but further on in one
 * variant than in another, whose allocations another thread's would then
 * meet; one variant just past a lock the others are about to take) it
 * runs on, and is looked at again later. The same place is the same
 * offset of the same file, or, in files that differ (variants built
 * differently), the function of the same name, or, where neither file
 * names one, each variant's own program.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "chorus.h"

#define HASH_MAX (512UL << 20) /* a process with more writable memory is not hashed */

struct look {
	struct user_regs_struct regs;
	char key[256]; /* the function it was in, or file and offset; "" if in none */
	uint64_t hash; /* the process's writable memory, if hashed */
	bool hashed;
};

struct spin {
	uint64_t at; /* the set's syscall count + 1 at the last look (0: none) */
	struct look v[MAX_VARIANTS];
};

struct place {
	uint64_t at, off; /* off: in the file mapped there */
	unsigned long lo, hi;
	char path[256];
	bool found;
};

static bool find_place(const struct mapping *m, void *arg)
{
	struct place *p = arg;

	if (p->at < m->lo || p->at >= m->hi)
		return true;
	p->off = p->at - m->lo + m->off;
	p->lo = m->lo;
	p->hi = m->hi;
	snprintf(p->path, sizeof(p->path), "%s", m->path);
	p->found = true;
	return false;
}

/* Where variant k's task is stopped; false if in no mapping. */
static bool place_of(const struct vset *set, int k, struct place *p)
{
	*p = (struct place){ .at = set->t[k].regs.rip };
	maps_each(set->t[k].tgid, find_place, p);
	return p->found;
}

static bool function_at(const struct vset *set, int k, const struct place *p, char *name, size_t len)
{
	return code_symbol(set->t[k].tgid, p->lo, p->hi, p->path, p->off, name, len);
}

/* Are variants 0 and k at the same point of the program? */
static bool same_point(const struct vset *set, const struct place *lead, int k, const struct place *p)
{
	char a[256], b[256];
	bool has_a, has_b;

	if (!strcmp(p->path, lead->path))
		return p->off == lead->off;
	has_a = function_at(set, 0, lead, a, sizeof(a));
	has_b = function_at(set, k, p, b, sizeof(b));
	if (has_a || has_b)
		return has_a && has_b && !strcmp(a, b);
	return runs_file(set->t[0].tgid, lead->path) && runs_file(set->t[k].tgid, p->path);
}

/* Is every variant's task stopped at the same point of the program as the leader's? */
static bool same_place(const struct vset *set)
{
	struct place lead, p;

	if (!place_of(set, 0, &lead))
		return false;
	for (int k = 1; k < set->n; k++)
		if (!place_of(set, k, &p) || !same_point(set, &lead, k, &p))
			return false;
	return true;
}

/* Is every task where the previous look found it, every register the same? */
static bool steady(const struct vset *set, const struct spin *s)
{
	for (int i = 0; i < set->n; i++)
		if (memcmp(&set->t[i].regs, &s->v[i].regs, sizeof(s->v[i].regs)) != 0)
			return false;
	return true;
}

/* The function variant k's task is in (else its file and offset), or "". */
static void key_of(const struct vset *set, int k, char *key, size_t len)
{
	struct place p;

	key[0] = 0;
	if (place_of(set, k, &p) && !function_at(set, k, &p, key, len) &&
	    snprintf(key, len, "%s+%#lx", p.path, (unsigned long)p.off) >= (int)len)
		key[0] = 0; /* too long to tell apart */
}

struct hashing {
	pid_t pid;
	uint64_t h;
	size_t total;
	bool ok;
};

/* Folds one writable mapping into the hash. */
static bool hash_mapping(const struct mapping *m, void *arg)
{
	static uint64_t buf[(1 << 20) / sizeof(uint64_t)];
	struct hashing *x = arg;

	if (m->perms[1] != 'w')
		return true;
	x->total += m->hi - m->lo;
	if (x->total > HASH_MAX) {
		x->ok = false;
		return false;
	}
	for (unsigned long at = m->lo; at < m->hi; at += sizeof(buf)) {
		size_t len = m->hi - at < sizeof(buf) ? m->hi - at : sizeof(buf);
		struct iovec local = { buf, len }, remote = { (void *)at, len };
		ssize_t got = process_vm_readv(x->pid, &local, 1, &remote, 1, 0);

		x->h = (x->h ^ (uint64_t)got) * 0x100000001b3ULL;
		for (ssize_t i = 0; i < got / (ssize_t)sizeof(uint64_t); i++)
			x->h = (x->h ^ buf[i]) * 0x100000001b3ULL;
	}
	return true;
}

/* A hash of every byte of process pid's writable memory; false if it has too much or it cannot be read. */
static bool memory_hash(pid_t pid, uint64_t *h)
{
	struct hashing x = { .pid = pid, .h = 0xcbf29ce484222325ULL, .ok = true };

	if (!maps_each(pid, hash_mapping, &x) || !x.ok)
		return false;
	*h = x.h;
	return true;
}

/*
 * The second test: the function each variant is in, and a hash of its
 * process's memory, taken now into s; true if every variant is in the
 * function the previous look found it in, the same in every variant, and
 * its memory has not changed since.
 */
static bool writes_nothing(const struct vset *set, struct spin *s, bool again)
{
	bool stayed = again, alike = true, pass;
	char key[sizeof(s->v[0].key)];

	for (int k = 0; k < set->n; k++) {
		key_of(set, k, key, sizeof(key));
		stayed &= s->v[k].hashed && !strcmp(key, s->v[k].key);
		memcpy(s->v[k].key, key, sizeof(key));
		alike &= key[0] && !strcmp(key, s->v[0].key);
	}
	pass = stayed && alike;
	for (int k = 0; k < set->n; k++) {
		uint64_t was = s->v[k].hash;

		s->v[k].hashed = alike && memory_hash(set->t[k].tgid, &s->v[k].hash);
		pass &= s->v[k].hashed && s->v[k].hash == was;
	}
	return pass;
}

/*
 * Every task of the set has stopped where it runs (sampled): true if it
 * waits for another thread, and the turn may pass. Remembers what it saw
 * for the next look.
 */
bool spin_waits(struct vset *set)
{
	struct spin *s = set->spin;
	bool again, pass;

	if (!s && !(s = set->spin = calloc(1, sizeof(*s))))
		die("out of memory");
	again = s->at == set->syscalls + 1;
	if (again && steady(set, s))
		return same_place(set);
	pass = writes_nothing(set, s, again);
	for (int k = 0; k < set->n; k++)
		s->v[k].regs = set->t[k].regs;
	s->at = set->syscalls + 1;
	return pass;
}
