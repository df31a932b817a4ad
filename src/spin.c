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
 *    every variant, with the same stack pointer, and not a byte of the
 *    process's writable memory changed between the looks but for one or
 *    two words of that function's frame (a loop with a back-off counter,
 *    whose registers move, or which counts its rounds in its frame, as
 *    code built without optimisation does: no other thread looks there).
 *    A computation that keeps its state on the stack writes more of it,
 *    and runs on: stopped at one place, the variants may be in different
 *    rounds of it, one past a write to memory another thread reads that
 *    the other has not made yet.
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

/*
 * The frame of a waiting loop, left out of the hash: the 128 bytes below
 * the stack pointer (the red zone) and the 4 KiB above it. Up to
 * FRAME_CHANGES of its words may change between two looks: a loop's
 * counters, not a computation's state.
 */
#define FRAME_BELOW 128UL
#define FRAME_ABOVE 4096UL
#define FRAME_WORDS ((FRAME_BELOW + FRAME_ABOVE) / sizeof(uint64_t))
#define FRAME_CHANGES 2

struct look {
	struct user_regs_struct regs;
	char key[256]; /* the function it was in, or file and offset; "" if in none */
	uint64_t hash; /* the process's writable memory but the frame, if hashed */
	bool hashed;
	uint64_t frame[FRAME_WORDS];
	size_t frame_len; /* bytes of the frame read */
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
	unsigned long hole_lo, hole_hi; /* left out: the spinning thread's frame */
	uint64_t h;
	size_t total;
	bool ok;
};

/* Folds the bytes of [lo, hi) into the hash. */
static void hash_range(struct hashing *x, unsigned long lo, unsigned long hi)
{
	static uint64_t buf[(1 << 20) / sizeof(uint64_t)];

	for (unsigned long at = lo; at < hi; at += sizeof(buf)) {
		size_t len = hi - at < sizeof(buf) ? hi - at : sizeof(buf);
		struct iovec local = { buf, len }, remote = { (void *)at, len };
		ssize_t got = process_vm_readv(x->pid, &local, 1, &remote, 1, 0);

		x->h = (x->h ^ (uint64_t)got) * 0x100000001b3ULL;
		for (ssize_t i = 0; i < got / (ssize_t)sizeof(uint64_t); i++)
			x->h = (x->h ^ buf[i]) * 0x100000001b3ULL;
	}
}

/* Folds one writable mapping into the hash, but for the hole. */
static bool hash_mapping(const struct mapping *m, void *arg)
{
	struct hashing *x = arg;
	unsigned long cut_lo, cut_hi;

	if (m->perms[1] != 'w')
		return true;
	x->total += m->hi - m->lo;
	if (x->total > HASH_MAX) {
		x->ok = false;
		return false;
	}
	cut_lo = x->hole_lo > m->lo ? (x->hole_lo < m->hi ? x->hole_lo : m->hi) : m->lo;
	cut_hi = x->hole_hi < m->hi ? (x->hole_hi > m->lo ? x->hole_hi : m->lo) : m->hi;
	if (cut_hi < cut_lo)
		cut_hi = cut_lo;
	hash_range(x, m->lo, cut_lo);
	hash_range(x, cut_hi, m->hi);
	return true;
}

/* Where variant k's spinning thread's frame begins. */
static unsigned long frame_lo(const struct vset *set, int k)
{
	unsigned long sp = set->t[k].regs.rsp;

	return sp > FRAME_BELOW ? sp - FRAME_BELOW : 0;
}

/*
 * A hash of every byte of the writable memory of variant k's process but
 * its spinning thread's frame; false if it has too much or it cannot be
 * read.
 */
static bool memory_hash(const struct vset *set, int k, uint64_t *h)
{
	unsigned long lo = frame_lo(set, k);
	struct hashing x = {
		.pid = set->t[k].tgid,
		.hole_lo = lo,
		.hole_hi = lo + FRAME_WORDS * sizeof(uint64_t),
		.h = 0xcbf29ce484222325ULL,
		.ok = true,
	};

	if (!maps_each(x.pid, hash_mapping, &x) || !x.ok)
		return false;
	*h = x.h;
	return true;
}

/*
 * Reads variant k's frame into l; true if at most FRAME_CHANGES of its
 * words differ from what l held (read at the same stack pointer).
 */
static bool frame_steady(const struct vset *set, int k, struct look *l)
{
	uint64_t was[FRAME_WORDS];
	size_t was_len = l->frame_len, changed = 0;
	ssize_t got;

	memcpy(was, l->frame, sizeof(was));
	got = mem_read(set->t[k].tid, frame_lo(set, k), l->frame, sizeof(l->frame));
	l->frame_len = got > 0 ? (size_t)got : 0;
	if (l->frame_len != was_len)
		return false;
	for (size_t i = 0; i < l->frame_len / sizeof(uint64_t); i++)
		changed += l->frame[i] != was[i];
	return changed <= FRAME_CHANGES;
}

/*
 * The second test: the function each variant is in, and a hash of its
 * process's memory, taken now into s; true if every variant is in the
 * function the previous look found it in, with the same stack pointer,
 * the same function in every variant, and its memory has not changed
 * since, but for a word or two of the frame it stands in.
 */
static bool writes_nothing(const struct vset *set, struct spin *s, bool again)
{
	bool stayed = again, alike = true, pass;
	char key[sizeof(s->v[0].key)];

	for (int k = 0; k < set->n; k++) {
		key_of(set, k, key, sizeof(key));
		stayed &= s->v[k].hashed && !strcmp(key, s->v[k].key) && set->t[k].regs.rsp == s->v[k].regs.rsp;
		memcpy(s->v[k].key, key, sizeof(key));
		alike &= key[0] && !strcmp(key, s->v[0].key);
	}
	pass = stayed && alike;
	for (int k = 0; k < set->n; k++) {
		uint64_t was = s->v[k].hash;

		s->v[k].hashed = alike && memory_hash(set, k, &s->v[k].hash);
		pass &= s->v[k].hashed && s->v[k].hash == was;
		pass &= frame_steady(set, k, &s->v[k]);
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
