/*
 * layout.c - where each variant's code lies.
 *
 * Disjoint code layouts (--dcl, the default): no address is executable in
 * more than one variant of a process. The monitor places every mapping a
 * follower makes two or more TiB away from the leader's and from the other
 * followers' (sys/mm.c), so code loaded later (libraries, dlopen, JIT) is
 * disjoint by construction; what the kernel places itself at exec (the
 * program, the loader, the vDSO, the stack) is randomized independently in
 * each variant. Both are verified, not assumed: after every exec and every
 * call that can make memory executable (mmap or mprotect with PROT_EXEC,
 * mremap of code), before any variant runs on, the monitor reads each
 * variant's /proc/PID/maps and stops the run if two variants share an
 * executable address. The one exception is the kernel's vsyscall page, at
 * one fixed address in every process, whose three entry points the kernel
 * emulates (any other address in it faults).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus.h"

#define VSYSCALL 0xffffffffff600000UL

struct code_map {
	int n;
	struct code_range r[];
};

static struct code_range scratch[MAX_CODE];

/* Collects an executable mapping into scratch; *arg counts them. */
static bool add_code(const struct mapping *map, void *arg)
{
	int *n = arg;

	if (map->perms[2] != 'x' || map->lo >= VSYSCALL)
		return true;
	scratch[*n].lo = map->lo;
	scratch[*n].hi = map->hi;
	snprintf(scratch[*n].path, sizeof(scratch[*n].path), "%s", map->path);
	return ++*n < MAX_CODE;
}

/* The variant's executable mappings, or NULL if its maps cannot be read. */
static struct code_map *read_code(pid_t tid)
{
	struct code_map *m;
	int n = 0;

	if (!maps_each(tid, add_code, &n))
		return NULL;
	m = malloc(sizeof(*m) + (size_t)n * sizeof(m->r[0]));
	if (!m)
		die("out of memory");
	m->n = n;
	memcpy(m->r, scratch, (size_t)n * sizeof(m->r[0]));
	return m;
}

static bool known(const struct code_map *old, const struct code_range *r)
{
	for (int i = 0; old && i < old->n; i++)
		if (old->r[i].lo == r->lo && old->r[i].hi == r->hi)
			return true;
	return false;
}

/* --layout and --events: the code mappings that are new since the last look. */
static void show_new(struct vset *set, int k, const struct code_map *old, const struct code_map *now)
{
	for (int i = 0; i < now->n; i++) {
		const struct code_range *r = &now->r[i];

		if (known(old, r))
			continue;
		if (opt.layout)
			fprintf(stderr, "chorus: layout: pid %d variant %d: %#lx-%#lx %s\n", set->vpid, k, r->lo, r->hi,
				r->path[0] ? r->path : "[anonymous]");
		events_code(set, k, r);
	}
}

/* Whether the program's binary is fixed-address (ET_EXEC): then its code is at one address in all variants. */
static bool fixed_address(pid_t tid)
{
	char path[64];
	Elf64_Ehdr h;
	int fd;
	bool fixed;

	snprintf(path, sizeof(path), "/proc/%d/exe", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	fixed = read(fd, &h, sizeof(h)) == sizeof(h) && h.e_type == ET_EXEC;
	close(fd);
	return fixed;
}

/* Whether r is the image of variant k's program and that program is fixed-address. */
static bool fixed_image(struct vset *set, int k, const struct code_range *r)
{
	return runs_file(set->t[k].tid, r->path) && fixed_address(set->t[k].tid);
}

/*
 * Two variants share code at ra and rb. A fixed-address program's own
 * image cannot be anywhere else: shared by default, refused with --dcl.
 */
static bool overlap_found(struct vset *set, int a, const struct code_range *ra, int b, const struct code_range *rb)
{
	if (ra->lo == rb->lo && ra->hi == rb->hi && fixed_image(set, a, ra) && fixed_image(set, b, rb)) {
		if (opt.dcl != DCL_STRICT)
			return false;
		if (set->launching)
			report_fixed_code(set, ra->path);
		else
			vset_diverge(set, "%s is not position-independent: its code is shared by the variants (--dcl)", ra->path);
		return true;
	}
	vset_diverge(set, "code layouts overlap: variant %d has code at %#lx-%#lx (%s), variant %d at %#lx-%#lx (%s)",
		     a, ra->lo, ra->hi, ra->path[0] ? ra->path : "anonymous", b, rb->lo, rb->hi,
		     rb->path[0] ? rb->path : "anonymous");
	return true;
}

/* The first shared executable address between two variants' maps, reported; false if none. */
static bool overlaps(struct vset *set, struct code_map *const *m)
{
	for (int a = 0; a < set->n; a++)
		for (int b = a + 1; b < set->n; b++)
			for (int i = 0; i < m[a]->n; i++)
				for (int j = 0; j < m[b]->n; j++)
					if (m[a]->r[i].lo < m[b]->r[j].hi && m[b]->r[j].lo < m[a]->r[i].hi &&
					    overlap_found(set, a, &m[a]->r[i], b, &m[b]->r[j]))
						return true;
	return false;
}

/*
 * After a call that may have made code, before any variant runs on: the
 * variants' code must not share an address. False when the run is stopped.
 */
bool layout_check(struct vset *set)
{
	struct code_map *now[MAX_VARIANTS];
	bool ok = true;

	if (!opt.dcl && !opt.layout && !events_on())
		return true;
	for (int k = 0; k < set->n; k++) {
		now[k] = read_code(set->t[k].tid);
		if (!now[k]) {
			while (k > 0)
				free(now[--k]);
			vset_diverge(set, "the memory map of a variant cannot be read");
			return false;
		}
	}
	if (opt.dcl && overlaps(set, now))
		ok = false;
	for (int k = 0; k < set->n; k++) {
		if (ok)
			show_new(set, k, set->p->code[k], now[k]);
		free(set->p->code[k]);
		set->p->code[k] = now[k];
	}
	return ok;
}

/* Whether [addr, addr+len) touches code of variant k, as last seen (read now if never). */
bool layout_is_code(struct vset *set, int k, unsigned long addr, unsigned long len)
{
	struct code_map *m = set->p->code[k];

	if (!m)
		m = set->p->code[k] = read_code(set->t[k].tid);
	for (int i = 0; m && i < m->n; i++)
		if (addr < m->r[i].hi && m->r[i].lo < addr + len)
			return true;
	return false;
}

/* The process exec'd or is gone: what was its code is no more. */
void layout_forget(struct proc *p)
{
	for (int k = 0; k < MAX_VARIANTS; k++) {
		free(p->code[k]);
		p->code[k] = NULL;
	}
}
