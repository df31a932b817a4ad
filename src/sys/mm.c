/* sys/mm.c - where mappings go: every variant's own address, the leader's alignment. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "../chorus.h"

/*
 * Programs act on the alignment of what mmap returns: an allocator that
 * carves 16 KiB pools out of a 1 MiB arena gets one pool fewer when the
 * arena is not 16 KiB aligned, and so asks for its next arena sooner; glibc
 * trims its thread heaps to 64 MiB boundaries. Programs that go through a
 * table keyed by addresses (a Python set of objects, ordered by id())
 * reach higher bits of the keys after collisions. With plain ASLR the
 * variants would make different syscalls for either. So the monitor places
 * each other variant's mapping at the leader's address plus a per-variant
 * shift, a non-zero multiple of 4 GiB: the addresses differ, their low 32
 * bits do not. (With 64 MiB, the order of a 4-object Python set came out
 * different in about 1% of layouts; with 4 GiB, in about 0.16%.)
 */
#define ALIGN (1LL << 32)
#define MAX_TRIES 64

/*
 * A call that may make code: it gets an exit stop in every variant, where
 * layout_check() looks at the code before any variant runs on.
 */
void call_may_make_code(struct call *c, bool addr_result)
{
	if (!opt.dcl && !opt.layout && !events_on())
		return;
	c->code = true;
	if (c->policy == RUN_ALL)
		c->policy = RUN_ALLR;
	c->own_results |= addr_result; /* each variant's own address */
}

void sys_mmap_pre(struct vset *set, struct call *c)
{
	long flags = arg_get(&set->t[0].regs, 3);

	if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		c->policy = RUN_PLACE;
	if (arg_get(&set->t[0].regs, 2) & PROT_EXEC)
		call_may_make_code(c, true);
}

/* mprotect (or pkey_mprotect) that makes memory executable; mremap of code (it may move it). */
void sys_code_pre(struct vset *set, struct call *c)
{
	if (c->nr == __NR_mprotect || c->nr == __NR_pkey_mprotect) {
		if (arg_get(&set->t[0].regs, 2) & PROT_EXEC)
			call_may_make_code(c, false);
		return;
	}
	for (int k = 0; k < set->n; k++)
		if (layout_is_code(set, k, (unsigned long)arg_get(&set->t[k].regs, 0),
				   (unsigned long)arg_get(&set->t[k].regs, 1))) {
			call_may_make_code(c, true);
			return;
		}
}

/*
 * Where mmap grows down from: the lowest mapping above the program and its
 * heap (x86_64's default layout puts them below 0x7000_0000_0000, the mmap
 * area, the vDSO and the stack above).
 */
#define MMAP_AREA 0x700000000000UL
#define TOP 0x7ffffffff000L

static bool lowest_in_area(const struct mapping *m, void *arg)
{
	unsigned long *best = arg;

	if (m->lo >= MMAP_AREA && (!*best || m->lo < *best))
		*best = m->lo;
	return true;
}

static uint64_t mmap_floor(pid_t pid)
{
	unsigned long best = 0;

	maps_each(pid, lowest_in_area, &best);
	return best;
}

static bool shift_taken(struct vset *set, int k, int64_t s)
{
	if (s == 0)
		return true;
	for (int i = 1; i < k; i++)
		if (set->t[i].shift == s)
			return true;
	return false;
}

/*
 * With disjoint code layouts, variant k's mappings lie k slots of 2 TiB
 * below the leader's, at a random offset within the first half of the
 * slot: variants are at least 1 TiB apart, more than a process maps, and
 * at least 1 TiB below where the kernel put any variant's loader (its mmap
 * base is randomized within 1 TiB under the stack).
 */
#define SLOT (2LL << 40)

static int64_t slot_shift(int k)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		die("getrandom failed");
	return -((int64_t)k * SLOT + (int64_t)(r % (uint64_t)(SLOT / 2 / ALIGN)) * ALIGN);
}

/* A variant's shift: its own mmap area's distance from the leader's, in whole steps of ALIGN. */
static void choose_shift(struct vset *set, int k)
{
	struct task *t = &set->t[k];
	int64_t d = (int64_t)mmap_floor(t->tid) - (int64_t)mmap_floor(set->t[0].tid);
	int64_t s = d >= 0 ? d / ALIGN * ALIGN : -((-d + ALIGN - 1) / ALIGN) * ALIGN;

	if (opt.dcl)
		s = slot_shift(k);
	while (shift_taken(set, k, s))
		s -= ALIGN;
	t->shift = opt.no_diversity ? 0 : s; /* without diversity: the leader's very address */
	t->placed = true;
}

/* Where a follower's twin of the leader's mapping goes (above it, for a mapping low in memory). */
static long placed_addr(const struct task *t, long lead_addr)
{
	long a = lead_addr + t->shift;

	if (t->at_hint)
		return arg_get(&t->saved, 0);
	return a < (1L << 32) ? lead_addr + labs(t->shift) : a;
}

static void place_at(struct task *t, long lead_addr)
{
	long len = arg_get(&t->saved, 1);

	while (lead_addr + t->shift + len > TOP) /* keep it inside the address space */
		t->shift -= ALIGN;
	t->regs = t->saved;
	arg_set(&t->regs, 0, placed_addr(t, lead_addr));
	arg_set(&t->regs, 3, arg_get(&t->regs, 3) | MAP_FIXED_NOREPLACE);
}

/*
 * Did the leader get the very address its call asked for? A program that
 * places memory itself (the JVM's heap, Go's arenas) checks that it got
 * it, and asks again elsewhere if not: each other variant then asks for
 * the address its own call names, and gets the congruent one only if that
 * is taken. Not for code under disjoint code layouts.
 */
static bool leader_at_hint(const struct vset *set)
{
	const struct user_regs_struct *r = &set->t[0].regs;
	long hint = arg_get(r, 0);

	return hint && hint == set->call.ret && !(opt.dcl && (arg_get(r, 2) & PROT_EXEC));
}

/* The leader has its mapping: each other variant asks for the congruent address, or its own hint. */
void place_begin(struct vset *set)
{
	bool hint = leader_at_hint(set);

	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];

		if (!t->placed)
			choose_shift(set, k);
		task_substitute(t);
		t->tries = 0;
		t->at_hint = hint && arg_get(&t->regs, 0) != 0;
		place_at(t, set->call.ret);
		regs_put(t);
		task_resume_syscall(t);
	}
	set->phase = PH_FOLLOW;
}

/* The address was taken in this variant: make the call again ALIGN lower. */
static void place_retry(struct vset *set, struct task *t)
{
	if (t->at_hint) /* its own hint was taken: the congruent address then */
		t->at_hint = false;
	else
		t->shift -= ALIGN;
	while (shift_taken(set, t->idx, t->shift))
		t->shift -= ALIGN;
	place_at(t, set->call.ret);
	regs_redo(&t->regs);
	regs_put(t);
	task_resume(t, 0);
}

/* True once every other variant has its mapping; false while some still try. */
bool place_done(struct vset *set)
{
	bool done = true;

	for (int k = 1; k < set->n; k++) {
		struct task *t = &set->t[k];
		long want = placed_addr(t, set->call.ret), got = (long)t->regs.rax;

		if (t->state == T_ENTRY) {
			task_resume_syscall(t); /* a retry arrived at its entry */
			done = false;
		} else if (t->state != T_EXIT) {
			vset_diverge(set, "variant %d ended while mapping memory", k);
			return false;
		} else if ((got == -EEXIST || got == -ENOMEM) && ++t->tries < MAX_TRIES) {
			place_retry(set, t);
			done = false;
		} else if (got != want) {
			vset_diverge(set, "mmap gave %#lx in variant 0 and %ld in variant %d", set->call.ret, got, k);
			return false;
		}
	}
	return done;
}

#define NO { A_NONE, 0, 0 }
#define VAL { A_INT, 0, 0 } /* futex's values are u32 */
#define ADR { A_PTR, 0, 0 }
#define TMO { A_INS, 0, sizeof(struct timespec) }
/*
 * A wait's time-out is not compared: jemalloc's background thread sleeps
 * for as long as its decay clock, read at points that depend on
 * addresses, says (or until woken), so one variant may sleep with a
 * time-out and another without. It only tells when the wait ends, inside
 * the process; the monitor ends a wait it keeps at the latest of the
 * variants' time-outs (sched.c).
 */
#define OWN_TMO NO

/* What futex's arguments 2 to 5 are, for each operation. */
static const struct arg_desc futex_args[][4] = {
	[FUTEX_WAIT] = { VAL, OWN_TMO, NO, NO },
	[FUTEX_WAKE] = { VAL, NO, NO, NO },
	[FUTEX_REQUEUE] = { VAL, VAL, ADR, NO },
	[FUTEX_CMP_REQUEUE] = { VAL, VAL, ADR, VAL },
	[FUTEX_WAKE_OP] = { VAL, VAL, ADR, VAL },
	[FUTEX_LOCK_PI] = { NO, TMO, NO, NO },
	[FUTEX_UNLOCK_PI] = { NO, NO, NO, NO },
	[FUTEX_TRYLOCK_PI] = { NO, NO, NO, NO },
	[FUTEX_WAIT_BITSET] = { VAL, OWN_TMO, NO, VAL },
	[FUTEX_WAKE_BITSET] = { VAL, NO, NO, VAL },
	[FUTEX_WAIT_REQUEUE_PI] = { VAL, TMO, ADR, NO },
	[FUTEX_CMP_REQUEUE_PI] = { VAL, VAL, ADR, VAL },
	[FUTEX_LOCK_PI2] = { NO, TMO, NO, NO },
};

static bool futex_op_known(long op)
{
	return op >= 0 && op < (long)(sizeof(futex_args) / sizeof(futex_args[0])) && op != FUTEX_FD;
}

/* Is futex's argument `arg` (2 to 5) a value operation op (with flags) uses? */
bool futex_uses_value(long op, int arg)
{
	op &= FUTEX_CMD_MASK;
	return futex_op_known(op) && arg >= 2 && arg <= 5 && futex_args[op][arg - 2].kind == A_INT;
}

/* futex: only the arguments the operation uses are compared. */
void sys_futex_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 1) & FUTEX_CMD_MASK;

	if (!futex_op_known(op)) {
		c->policy = RUN_DENY;
		c->ret = -ENOSYS;
		return;
	}
	for (int i = 0; i < 4; i++)
		c->arg[2 + i] = futex_args[op][i];
}

/*
 * The heap. The kernel starts each variant's brk heap at its own random
 * page, so an object there lies at another offset in each, modulo any
 * power of two. Programs that order things by address (a hash table keyed
 * by pointers: Python's sets of objects, cc1's tables) then go through
 * them in another order in each variant, and may make other syscalls.
 * So a follower's first brk(0) after exec is made brk(X), X above its own
 * heap's start, congruent to the leader's modulo HEAP_ALIGN. The kernel
 * extends the heap there (untouched pages cost nothing, but the kernel
 * counts them against the commit limit: hence 64 MiB, not the 4 GiB of
 * the mappings); the program starts its heap at X. If the kernel cannot
 * (a mapping in the way, a small RLIMIT_DATA), brk returns the start, and
 * the heap stays where it was.
 */
#define HEAP_ALIGN (1LL << 26)

/* Field 47 of /proc/PID/stat: where the brk heap starts; 0 if unknown. */
static uint64_t heap_start(pid_t tid)
{
	char path[64], buf[1024];
	unsigned long long v = 0;
	char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* field 2, the name, may hold spaces */
	for (int field = 2; p && field < 47; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &v) != 1)
		return 0;
	return v;
}

/* After an execve: where each follower's heap is to start. */
void heap_align(struct vset *set)
{
	uint64_t lead = heap_start(set->t[0].tid);

	for (int i = 1; i < set->n; i++) {
		uint64_t own = heap_start(set->t[i].tid);

		set->t[i].heap_at = lead && own && !opt.no_diversity ? own + ((lead - own) & (HEAP_ALIGN - 1)) : 0;
	}
}

/* A variant at brk: its first brk(0) since exec starts its heap where heap_align chose. */
void heap_place(struct task *t)
{
	if (!t->heap_at || (long)t->regs.orig_rax != __NR_brk)
		return;
	if (arg_get(&t->regs, 0) == 0) {
		arg_set(&t->regs, 0, (long)t->heap_at);
		regs_put(t);
	}
	t->heap_at = 0;
}

void sys_brk_pre(struct vset *set, struct call *c)
{
	(void)c;
	for (int i = 1; i < set->n; i++)
		heap_place(&set->t[i]);
}
