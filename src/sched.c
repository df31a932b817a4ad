/*
 * sched.c - threads, and processes that share memory: their thread sets
 * take turns, and the monitor keeps their futexes.
 *
 * Every variant must see the same interleaving of its threads, or a mutex
 * taken in another order makes the variants' syscalls differ. So in each
 * process only one thread set, the holder, runs the program's code; the
 * others wait, stopped. The turn passes only at a syscall, where all the
 * variants of the holder are at the same point, so the choice of the next
 * thread is made once for all of them. A thread gives up its turn when it
 * blocks: in a futex wait, in a call the leader makes for everyone (read,
 * poll, nanosleep, ...), or when it ends.
 *
 * Processes that share writable memory race the same way for a lock in
 * it (the workers of a pool): a fork child of a process with a writable
 * MAP_SHARED mapping takes turns with its parent (one struct turn for
 * both) until it execs or ends.
 *
 * Futex waits and wakes within a turn never reach the kernel: a waiting
 * thread set stays stopped at its call, in a queue the monitor keeps, and
 * a wake picks the same waiters in every variant. A futex in shared
 * memory of a process that takes turns alone is the exception: processes
 * outside its turn may wake it, so each variant waits for it in the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>

#include "chorus.h"
#include "signals.h"

struct futex_wait {
	struct vset *set;
	uint64_t addr[MAX_VARIANTS]; /* the futex word, in each variant */
	uint32_t bitset;
	bool shared; /* without FUTEX_PRIVATE_FLAG: other processes of its turn may wake it */
	bool pi;     /* waits to be handed a priority-inheritance futex (FUTEX_LOCK_PI) */
	bool requeue_pi; /* FUTEX_WAIT_REQUEUE_PI: waits to be moved to the PI futex `to` */
	bool requeued;	 /* was moved so: a signal ends its wait with EAGAIN */
	uint64_t to[MAX_VARIANTS];
	bool timed;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	struct futex_wait *next;
};

static struct futex_wait *waits, **waits_tail = &waits;

static void lone_forget(const struct futex_wait *w);
static void lone_drop(const struct proc *p);

static struct turn *turn_new(struct vset *holder)
{
	struct turn *tn = calloc(1, sizeof(*tn));

	if (!tn)
		die("out of memory");
	tn->procs = 1;
	tn->sets = 1;
	tn->holder = holder;
	return tn;
}

/* A process whose first thread set is main, with copies of from's descriptors and handlers. */
struct proc *proc_new(const struct proc *from, struct vset *main)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		die("out of memory");
	if (from) {
		memcpy(p->fds.priv, from->fds.priv, sizeof(p->fds.priv));
		p->sig = from->sig;
		ep_copy(p, from);
	}
	p->main = main;
	p->sets = 1;
	p->turn = turn_new(main);
	return p;
}

static void turn_put(struct turn *tn)
{
	if (--tn->procs > 0)
		return;
	free(tn->ready);
	free(tn);
}

void proc_free(struct proc *p)
{
	lone_drop(p);
	notice_forget(p);
	ep_free(p);
	turn_put(p->turn);
	free(p);
}

bool sched_threaded(const struct vset *set)
{
	return set->p->sets > 1;
}

/* Does the set take turns with other thread sets (of its process or others)? */
bool sched_shared(const struct vset *set)
{
	return set->p->turn->sets > 1;
}

static void ready_remove(struct turn *tn, struct vset *set)
{
	for (int i = 0; i < tn->nready; i++)
		if (tn->ready[i] == set) {
			memmove(&tn->ready[i], &tn->ready[i + 1], sizeof(tn->ready[0]) * (size_t)(tn->nready - i - 1));
			tn->nready--;
			return;
		}
}

static void ready_add(struct turn *tn, struct vset *set)
{
	for (int i = 0; i < tn->nready; i++)
		if (tn->ready[i] == set)
			return; /* waits already */
	sched_stall_tick(true);
	if (tn->nready == tn->capready) {
		tn->capready = tn->capready ? tn->capready * 2 : 8;
		tn->ready = realloc(tn->ready, sizeof(*tn->ready) * (size_t)tn->capready);
		if (!tn->ready)
			die("out of memory");
	}
	tn->ready[tn->nready++] = set;
}

static void take_turn(struct turn *tn, struct vset *set)
{
	tn->holder = set;
	tn->calls = set->syscalls;
	clock_gettime(CLOCK_MONOTONIC, &tn->since);
	if (opt.trace && tn->sets > 1)
		fprintf(stderr, "chorus: [%d] takes the turn\n", set->t[0].tid);
}

/* The turn goes to the thread set that has waited longest (not of a process that is ending). */
static void schedule(struct turn *tn)
{
	struct vset *next = NULL;

	for (int i = 0; !tn->holder && !next && i < tn->nready; i++)
		if (!tn->ready[i]->p->exiting)
			next = tn->ready[i];
	if (!next)
		return;
	ready_remove(tn, next);
	take_turn(tn, next);
	next->phase = PH_RUN;
	if (next->at_entry) {
		next->at_entry = false;
		vset_begin(next);
		return;
	}
	for (int i = 0; i < next->n; i++)
		if (next->t[i].state == T_HELD)
			task_resume(&next->t[i], 0);
}

/* The holder gives up its turn; it goes on with its call meanwhile. */
void sched_release(struct vset *set)
{
	struct turn *tn = set->p->turn;

	if (tn->holder != set)
		return;
	tn->holder = NULL;
	schedule(tn);
}

/* May the set run the program's code now? A free turn nobody waits for is its. */
static bool has_turn(struct proc *p, struct vset *set)
{
	struct turn *tn = p->turn;

	if (!tn->holder && !p->exiting && tn->nready == 0)
		take_turn(tn, set);
	return tn->holder == set || tn->sets <= 1 || p->exiting;
}

/* Does the set hold its process's turn now (or take turns with no one)? */
bool sched_holds_turn(const struct vset *set)
{
	const struct turn *tn = set->p->turn;

	return tn->holder == set || tn->sets <= 1;
}

/* The set, stopped, waits in line for its turn. */
static void wait_turn(struct proc *p, struct vset *set)
{
	set->phase = PH_HELD;
	ready_add(p->turn, set);
	schedule(p->turn);
}

/*
 * A thread that runs on without a syscall while others wait for the turn
 * may be waiting for them in a busy loop: after STALL_MS without a
 * syscall the monitor stops it in every variant (PTRACE_INTERRUPT), and
 * spin.c decides whether it waits, and the turn passes, or it runs on, to
 * be looked at again STALL_MS later.
 */
#define STALL_MS 200

/* Called on the monitor's ticks for every set; true if some set waits for its turn. */
bool sched_check_stall(struct vset *set)
{
	struct turn *tn = set->p->turn;
	struct timespec now;

	if (tn->holder != set || tn->nready == 0)
		return tn->nready > 0;
	if (set->phase != PH_RUN || set->sampling)
		return true;
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_RUNNING || set->t[i].gstopped)
			return true;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (set->syscalls != tn->calls) {
		tn->calls = set->syscalls;
		tn->since = now;
	} else if (ms_between(&tn->since, &now) >= STALL_MS) {
		tn->since = now;
		set->sampling = true;
		for (int i = 0; i < set->n; i++)
			if (ptrace(PTRACE_INTERRUPT, set->t[i].tid, 0, 0) < 0 && errno != ESRCH)
				die("cannot interrupt %d: %s", set->t[i].tid, strerror(errno));
	}
	return true;
}

/* Ticks every STALL_MS / 2 while some thread set waits for its turn. */
void sched_stall_tick(bool on)
{
	static struct tick tick;
	static bool ticking;
	struct itimerspec its;

	if (on == ticking)
		return;
	memset(&its, 0, sizeof(its));
	if (on)
		its.it_value.tv_nsec = its.it_interval.tv_nsec = STALL_MS / 2 * 1000000L;
	tick_set(&tick, 0, &its);
	ticking = on;
}

/*
 * Every task of a set being sampled has stopped. True if the monitor
 * took it from here (the turn passed, or the sampled tasks run on);
 * false if none was sampled (each reached a syscall, or ended): the set
 * goes on as usual.
 */
bool sched_sampled(struct vset *set)
{
	bool all = true, some = false;

	set->sampling = false;
	for (int i = 0; i < set->n; i++) {
		all &= set->t[i].state == T_SAMPLED;
		some |= set->t[i].state == T_SAMPLED;
	}
	if (all && spin_waits(set)) {
		if (opt.trace)
			fprintf(stderr, "chorus: [%d] spins without a syscall: the turn passes\n", set->t[0].tid);
		for (int i = 0; i < set->n; i++)
			set->t[i].state = T_HELD;
		sched_release(set);
		wait_turn(set->p, set);
		return true;
	}
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state == T_SAMPLED)
			task_resume(&set->t[i], 0);
	return some;
}

/*
 * A thread set wants to run the program's code: it does now if it has
 * the turn (or takes turns with no one), else it waits for it.
 */
void sched_resume(struct vset *set)
{
	struct proc *p = set->p;

	if (has_turn(p, set)) {
		vset_resume_tasks(set);
		return;
	}
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_GONE)
			set->t[i].state = T_HELD;
	wait_turn(p, set);
}

/*
 * A thread set is at a syscall entry without the turn (it gave it up for a
 * blocking call, and a signal brought it back): it begins the call when
 * its turn comes. True if it must wait.
 */
bool sched_wait_entry(struct vset *set)
{
	struct proc *p = set->p;

	if (has_turn(p, set))
		return false;
	if (!set->at_entry) {
		set->at_entry = true;
		set->phase = PH_HELD;
		ready_add(p->turn, set);
	}
	return true;
}

/* A new thread's or process's tasks have stopped for the first time: it waits for its turn. */
void sched_new_thread(struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_HELD)
			return;
	wait_turn(set->p, set);
}

/* Process p (one thread set, new) takes turns with the processes of with's turn. */
void sched_join(struct proc *p, struct proc *with)
{
	turn_put(p->turn);
	p->turn = with->turn;
	p->turn->procs++;
	p->turn->sets += p->sets;
}

/*
 * Set's process no longer shares memory with the others of its turn: its
 * first thread set has ended (a zombie until reaped), or its only thread
 * set made execve. It takes turns alone from now on, and holds its own.
 */
void sched_leave(struct vset *set)
{
	struct proc *p = set->p;
	struct turn *tn = p->turn;

	if (tn->procs == 1)
		return;
	for (int i = tn->nready - 1; i >= 0; i--)
		if (tn->ready[i]->p == p)
			ready_remove(tn, tn->ready[i]);
	if (tn->holder && tn->holder->p == p)
		tn->holder = NULL;
	tn->procs--;
	tn->sets -= p->sets;
	p->turn = turn_new(set);
	p->turn->sets = p->sets;
	schedule(tn);
}

/* ---- futexes ---- */

static void arm_timer(void);

/* The monitor's timer for futex waits: off, a look for signals, or a deadline. */
static struct tick timer;
static enum { TICK_OFF, TICK_LOOK, TICK_DEADLINE } timer_mode;

static void timer_stop(void)
{
	struct itimerspec none;

	memset(&none, 0, sizeof(none));
	timer_mode = TICK_OFF;
	tick_set(&timer, 0, &none);
}

/* Takes w out of the queue. */
static void futex_remove(struct futex_wait *w)
{
	for (struct futex_wait **pp = &waits; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			if (waits_tail == &w->next)
				waits_tail = pp;
			break;
		}
	w->next = NULL;
}

static void futex_append(struct futex_wait *w)
{
	*waits_tail = w;
	waits_tail = &w->next;
}

static void futex_unlink(struct futex_wait *w)
{
	lone_forget(w);
	futex_remove(w);
	w->set->fw = NULL;
	free(w);
}

/* A waiter's futex wait returns `ret`; it runs again when its turn comes. */
static void futex_wake_one(struct futex_wait *w, long ret)
{
	struct vset *set = w->set;

	futex_unlink(w);
	for (int i = 0; i < set->n; i++)
		task_skip(&set->t[i], ret);
	sched_resume(set);
}

/*
 * A signal is coming: the wait returns 0, a spurious wake-up, which
 * futex callers expect; a wait for a priority-inheritance futex is made
 * again once the signal is taken, as the kernel restarts FUTEX_LOCK_PI
 * and FUTEX_WAIT_REQUEUE_PI (returning 0 would give the thread a mutex
 * another holds), but one moved to such a futex by FUTEX_CMP_REQUEUE_PI
 * returns EAGAIN, as the kernel's does.
 */
static void futex_interrupt(struct futex_wait *w)
{
	struct vset *set = w->set;

	if (w->requeued || (!w->pi && !w->requeue_pi)) {
		futex_wake_one(w, w->requeued ? -EAGAIN : 0);
		return;
	}
	futex_unlink(w);
	for (int i = 0; i < set->n; i++)
		task_rewind(&set->t[i]);
	sched_resume(set);
}

/* Interrupted by a signal sent to it. */
void futex_cancel(struct vset *set)
{
	if (set->phase == PH_FUTEX && set->fw) {
		futex_interrupt(set->fw);
		arm_timer();
	}
}

/*
 * Every wait hit() picks returns ret, or, with INTERRUPTED, is
 * interrupted. The scan starts over after each wake: the waiter may take
 * its turn at once and change the list.
 */
#define INTERRUPTED LONG_MIN

static void wake_where(bool (*hit)(const struct futex_wait *, const void *), const void *arg, long ret)
{
	for (struct futex_wait *w = waits, *next; w; w = next) {
		next = w->next;
		if (hit(w, arg)) {
			if (ret == INTERRUPTED)
				futex_interrupt(w);
			else
				futex_wake_one(w, ret);
			next = waits;
		}
	}
	arm_timer();
}

static bool of_proc(const struct futex_wait *w, const void *p)
{
	return w->set->p == p;
}

/* Every futex wait of process p is interrupted: a signal came for the process. */
void futex_wake_all(struct proc *p)
{
	wake_where(of_proc, p, INTERRUPTED);
}

struct look {
	unsigned round;
	bool mains; /* main threads only, or only the others */
};

static bool signalled(const struct futex_wait *w, const void *arg)
{
	const struct look *l = arg;

	return (w->set == w->set->p->main) == l->mains && signal_for_held(w->set, l->round);
}

/*
 * A signal for a thread in a futex wait the monitor keeps (a timer's,
 * another process's kill) stays pending while its task is stopped: on
 * signals_look(), such a wait returns 0, a spurious wake-up, which futex
 * allows. The task runs, its kernel delivers the signal, and the monitor
 * delivers it to every variant.
 */
void futex_waits_signalled(unsigned round, bool mains)
{
	struct look l = { round, mains };

	if (!waits && timer_mode == TICK_LOOK) /* the last wait went: the tick stops */
		timer_stop();
	if (waits)
		wake_where(signalled, &l, INTERRUPTED);
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static bool expired(const struct futex_wait *w, const void *now)
{
	return w->timed && !ts_before(now, &w->deadline);
}

/*
 * Wakes the monitor's waitpid at the first deadline (then every ms, in
 * case it was missed); without a deadline, every SIGNAL_LOOK ms while
 * there are waits, for futex_waits_signalled(). That tick is left running
 * when the last wait goes (waits come and go many times a millisecond);
 * the next look that finds none stops it.
 */
static void arm_timer(void)
{
	struct itimerspec its;
	struct futex_wait *first = NULL;

	for (struct futex_wait *w = waits; w; w = w->next)
		if (w->timed && (!first || ts_before(&w->deadline, &first->deadline)))
			first = w;
	if (!first && (timer_mode == TICK_LOOK || (!waits && timer_mode == TICK_OFF)))
		return;
	memset(&its, 0, sizeof(its));
	if (first) {
		timer_mode = TICK_DEADLINE;
		its.it_value = first->deadline;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
		its.it_interval.tv_nsec = 1000000;
		tick_set(&timer, TIMER_ABSTIME, &its);
	} else if (waits) {
		timer_mode = TICK_LOOK;
		its.it_value.tv_nsec = its.it_interval.tv_nsec = SIGNAL_LOOK * 1000000L;
		tick_set(&timer, 0, &its);
	} else {
		timer_stop();
	}
}

/* Called by the event loop: waits whose time is up return ETIMEDOUT. */
void futex_timeouts(void)
{
	struct timespec now;

	if (!waits)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	wake_where(expired, &now, -ETIMEDOUT);
}

/* The time-out variant t gave its wait, as it gave it; false without one. */
static bool task_timeout(const struct task *t, struct timespec *ts)
{
	uint64_t p = (uint64_t)arg_get(&t->regs, 3);

	return p && mem_read(t->tid, p, ts, sizeof(*ts)) == sizeof(*ts);
}

/*
 * The deadline of a wait, on CLOCK_MONOTONIC: the latest of the variants'
 * time-outs (they need not agree); false if one has none.
 */
static bool futex_deadline(struct vset *set, int cmd, long op, struct timespec *d)
{
	struct timespec ts = { 0, 0 }, now, mono;

	for (int i = 0; i < set->n; i++) {
		struct timespec ti;

		if (!task_timeout(&set->t[i], &ti))
			return false;
		if (i == 0 || ts_before(&ts, &ti))
			ts = ti;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (cmd == FUTEX_WAIT) { /* relative */
		now = (struct timespec){ 0, 0 };
	} else { /* absolute, on the clock the flag names */
		clock_gettime(op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
		if (!(op & FUTEX_CLOCK_REALTIME))
			now = mono;
	}
	d->tv_sec = mono.tv_sec + ts.tv_sec - now.tv_sec;
	d->tv_nsec = mono.tv_nsec + ts.tv_nsec - now.tv_nsec;
	while (d->tv_nsec < 0) {
		d->tv_nsec += 1000000000L;
		d->tv_sec--;
	}
	while (d->tv_nsec >= 1000000000L) {
		d->tv_nsec -= 1000000000L;
		d->tv_sec++;
	}
	return true;
}

/* The futex word of argument `arg` in every variant: -1 unreadable, 0 equal to want, 1 not. */
static int futex_words(struct vset *set, int arg, uint32_t want, uint64_t *addr)
{
	int same = 0, differ = 0;

	for (int i = 0; i < set->n; i++) {
		uint32_t v;

		addr[i] = (uint64_t)arg_get(&set->t[i].regs, arg);
		if (mem_read(set->t[i].tid, addr[i], &v, sizeof(v)) != sizeof(v))
			return -1;
		if (v == want)
			same++;
		else
			differ++;
	}
	if (same && differ) {
		vset_diverge(set, "futex word at argument %d differs between variants", arg);
		return -2;
	}
	return differ ? 1 : 0;
}

/*
 * The set waits, in the monitor's queue, on the futex at addr (with a
 * bitset: 0 for a PI lock), to be moved to the PI futex at `to` if not NULL.
 */
static void enqueue_wait(struct vset *set, const uint64_t *addr, uint32_t bitset, int cmd, long op,
			 const uint64_t *to)
{
	struct futex_wait *w = calloc(1, sizeof(*w));

	if (!w)
		die("out of memory");
	w->set = set;
	memcpy(w->addr, addr, sizeof(w->addr));
	w->bitset = bitset;
	w->pi = bitset == 0;
	w->requeue_pi = to != NULL;
	if (to)
		memcpy(w->to, to, sizeof(w->to));
	w->shared = !(op & FUTEX_PRIVATE_FLAG);
	w->timed = futex_deadline(set, cmd, op, &w->deadline);
	futex_append(w);
	set->fw = w;
	set->phase = PH_FUTEX;
	arm_timer();
	sched_release(set);
}

static void futex_wait(struct vset *set, int cmd, long op)
{
	uint32_t val = (uint32_t)arg_get(&set->t[0].regs, 2);
	uint32_t bitset = cmd == FUTEX_WAIT ? ~0u : (uint32_t)arg_get(&set->t[0].regs, 5);
	uint64_t addr[MAX_VARIANTS];
	int r;

	if (bitset == 0) {
		vset_skip_all(set, -EINVAL);
		return;
	}
	r = futex_words(set, 0, val, addr);
	if (r == -2)
		return;
	if (r != 0) {
		vset_skip_all(set, r < 0 ? -EFAULT : -EAGAIN);
		return;
	}
	enqueue_wait(set, addr, bitset, cmd, op, NULL);
}

/* A futex word as a thread set names it: its address in every variant. */
struct futex_key {
	uint64_t addr[MAX_VARIANTS];
	bool shared; /* without FUTEX_PRIVATE_FLAG */
};

/* The futex at argument `arg` of set's futex call. */
static struct futex_key key_at(struct vset *set, int arg)
{
	struct futex_key k = { { 0 }, false };

	for (int i = 0; i < set->n; i++)
		k.addr[i] = (uint64_t)arg_get(&set->t[i].regs, arg);
	k.shared = !(arg_get(&set->t[0].regs, 1) & FUTEX_PRIVATE_FLAG);
	return k;
}

/*
 * Does waiter w wait on set's futex k, in every variant? A futex of
 * another process is the same only when both are shared (a fork child
 * keeps its parent's shared mappings where they were).
 */
static int futex_match(struct vset *set, struct futex_wait *w, const struct futex_key *k)
{
	int same = 0;

	if (w->set->p != set->p && !(k->shared && w->shared && w->set->p->turn == set->p->turn))
		return 0;
	for (int i = 0; i < set->n; i++)
		same += w->addr[i] == k->addr[i];
	if (same == 0)
		return 0;
	if (same != set->n) {
		vset_diverge(set, "a futex is shared differently between threads in the variants");
		return -1;
	}
	return 1;
}

/*
 * Wakes up to n waiters of futex k (matching bitset); moves up to m more
 * to futex `to`. EINVAL at a waiter only FUTEX_CMP_REQUEUE_PI may wake,
 * as the kernel.
 */
static long futex_wake_n(struct vset *set, const struct futex_key *k, uint32_t bitset, long n, long m,
			 const struct futex_key *to)
{
	long woken = 0, moved = 0;
	struct futex_wait *w, *next;

	for (w = waits; w; w = next) {
		int r = futex_match(set, w, k);

		next = w->next;
		if (r < 0)
			return -1;
		if (!r || !(w->bitset & bitset))
			continue;
		if (w->requeue_pi || w->pi) {
			arm_timer();
			return -EINVAL;
		}
		if (woken < n) {
			futex_wake_one(w, 0);
			woken++;
		} else if (moved < m) {
			memcpy(w->addr, to->addr, sizeof(w->addr));
			moved++;
		}
	}
	arm_timer();
	return woken + moved;
}

/* FUTEX_WAKE_OP: the operation on the second word, made in every variant, then the wakes. */
static void futex_wake_op(struct vset *set)
{
	uint32_t enc = (uint32_t)arg_get(&set->t[0].regs, 5), old[MAX_VARIANTS];
	uint32_t opcode = (enc >> 28) & 7, cmp = (enc >> 24) & 15;
	uint32_t oparg = (enc >> 12) & 0xfff, cmparg = enc & 0xfff;
	long n = arg_get(&set->t[0].regs, 2), n2 = arg_get(&set->t[0].regs, 3), woken;
	struct futex_key k = key_at(set, 0), k2 = key_at(set, 4);
	bool hit;

	if (enc & (8u << 28))
		oparg = 1u << (oparg & 31);
	for (int i = 0; i < set->n; i++) {
		uint64_t a = (uint64_t)arg_get(&set->t[i].regs, 4);
		uint32_t v;

		if (mem_read(set->t[i].tid, a, &old[i], 4) != 4) {
			vset_skip_all(set, -EFAULT);
			return;
		}
		v = opcode == FUTEX_OP_SET ? oparg : opcode == FUTEX_OP_ADD ? old[i] + oparg :
		    opcode == FUTEX_OP_OR ? (old[i] | oparg) : opcode == FUTEX_OP_ANDN ? (old[i] & ~oparg) :
		    (old[i] ^ oparg);
		mem_write(set->t[i].tid, a, &v, 4);
		if (old[i] != old[0]) {
			vset_diverge(set, "futex word at argument 4 differs between variants");
			return;
		}
	}
	hit = cmp == FUTEX_OP_CMP_EQ ? old[0] == cmparg : cmp == FUTEX_OP_CMP_NE ? old[0] != cmparg :
	      cmp == FUTEX_OP_CMP_LT ? (int)old[0] < (int)cmparg : cmp == FUTEX_OP_CMP_LE ? (int)old[0] <= (int)cmparg :
	      cmp == FUTEX_OP_CMP_GT ? (int)old[0] > (int)cmparg : (int)old[0] >= (int)cmparg;
	woken = futex_wake_n(set, &k, ~0u, n, 0, NULL);
	if (woken >= 0 && hit) {
		long more = futex_wake_n(set, &k2, ~0u, n2, 0, NULL);

		woken = more < 0 ? more : woken + more;
	}
	if (set->phase != PH_DONE)
		vset_skip_all(set, woken);
}

/*
 * Priority-inheritance futexes: the word holds its owner's tid (the one
 * the program sees, the same in every variant), and the kernel hands it
 * from owner to waiter. The monitor does the same for thread sets that
 * take turns: a lock on a free word takes it, on a held one marks it
 * FUTEX_WAITERS and waits in the queue; an unlock hands the word to the
 * first waiter. (The priority itself means nothing here: one thread runs
 * at a time.)
 */

/* The word at argument `arg`, the same in every variant; false (and the call over) if not. */
static bool pi_word(struct vset *set, int arg, uint64_t *addr, uint32_t *v)
{
	int r = -1;

	if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, arg), v, sizeof(*v)) == sizeof(*v))
		r = futex_words(set, arg, *v, addr);
	if (r != 0 && r != -2)
		vset_skip_all(set, -EFAULT);
	return r == 0;
}

static void pi_set(struct vset *set, const uint64_t *addr, uint32_t v)
{
	for (int i = 0; i < set->n; i++)
		mem_write(set->t[i].tid, addr[i], &v, sizeof(v));
}

/* The first and second PI waiters on futex k. */
static struct futex_wait *pi_waiter(struct vset *set, const struct futex_key *k, struct futex_wait **second)
{
	struct futex_wait *first = NULL;

	*second = NULL;
	for (struct futex_wait *w = waits; w && !*second; w = w->next)
		if (w->pi && futex_match(set, w, k) > 0) {
			if (first)
				*second = w;
			else
				first = w;
		}
	return first;
}

/* FUTEX_LOCK_PI, FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI. */
static void futex_lock_pi(struct vset *set, int cmd, long op)
{
	uint64_t addr[MAX_VARIANTS];
	uint32_t v = 0;

	if (!pi_word(set, 0, addr, &v))
		return;
	if ((v & FUTEX_TID_MASK) == (uint32_t)set->vpid) {
		vset_skip_all(set, -EDEADLK);
	} else if (!(v & FUTEX_TID_MASK)) { /* free, or its owner died */
		pi_set(set, addr, (uint32_t)set->vpid | (v & (FUTEX_OWNER_DIED | FUTEX_WAITERS)));
		vset_skip_all(set, 0);
	} else if (cmd == FUTEX_TRYLOCK_PI) {
		vset_skip_all(set, -EWOULDBLOCK);
	} else {
		pi_set(set, addr, v | FUTEX_WAITERS);
		enqueue_wait(set, addr, 0, cmd, cmd == FUTEX_LOCK_PI ? op | FUTEX_CLOCK_REALTIME : op, NULL);
	}
}

/* FUTEX_UNLOCK_PI: the word goes to the first waiter, who returns 0 owning it. */
static void futex_unlock_pi(struct vset *set)
{
	struct futex_key k = key_at(set, 0);
	struct futex_wait *next, *more;
	uint32_t v = 0;

	if (!pi_word(set, 0, k.addr, &v))
		return;
	if ((v & FUTEX_TID_MASK) != (uint32_t)set->vpid) {
		vset_skip_all(set, -EPERM);
		return;
	}
	next = pi_waiter(set, &k, &more);
	pi_set(set, k.addr, next ? (uint32_t)next->set->vpid | (more ? FUTEX_WAITERS : 0) : 0);
	if (next)
		futex_wake_one(next, 0);
	arm_timer();
	if (set->phase != PH_DONE)
		vset_skip_all(set, 0);
}

/*
 * A condition variable on a PI mutex (glibc's before 2.25): a waiter
 * sleeps on the condition's word with FUTEX_WAIT_REQUEUE_PI, naming the
 * mutex's; FUTEX_CMP_REQUEUE_PI gives the mutex to the first waiter if it
 * is free, waking it, and moves the others (the first too, if not) to
 * wait for the mutex, which then passes by FUTEX_UNLOCK_PI.
 */

/* Are the words at arguments 0 and 4 one? (EINVAL for the kernel.) */
static bool same_words(const struct vset *set)
{
	return arg_get(&set->t[0].regs, 0) == arg_get(&set->t[0].regs, 4);
}

/* FUTEX_WAIT_REQUEUE_PI: waits on the word at argument 0 to be moved to the PI futex at argument 4. */
static void futex_wait_requeue_pi(struct vset *set, int cmd, long op)
{
	struct futex_key to = key_at(set, 4);
	uint64_t addr[MAX_VARIANTS];
	int r;

	if (same_words(set)) {
		vset_skip_all(set, -EINVAL);
		return;
	}
	r = futex_words(set, 0, (uint32_t)arg_get(&set->t[0].regs, 2), addr);
	if (r == -2)
		return;
	if (r != 0) {
		vset_skip_all(set, r < 0 ? -EFAULT : -EAGAIN);
		return;
	}
	enqueue_wait(set, addr, ~0u, cmd, op, to.addr);
}

/* Waiter w, of the condition, now waits for the PI futex `to` (behind those that waited before). */
static void requeue_to_pi(struct futex_wait *w)
{
	memcpy(w->addr, w->to, sizeof(w->addr));
	w->requeue_pi = false;
	w->pi = w->requeued = true;
	w->bitset = 0;
	futex_remove(w);
	futex_append(w);
}

/* FUTEX_CMP_REQUEUE_PI: the first waiter takes the mutex if free; up to argument 3 more wait for it. */
static long futex_cmp_requeue_pi(struct vset *set, const struct futex_key *k, const struct futex_key *to)
{
	long most = 1 + arg_get(&set->t[0].regs, 3), count = 0;
	uint64_t addr[MAX_VARIANTS];
	uint32_t v = 0;
	struct futex_wait *w, *next;
	int r;

	if (arg_get(&set->t[0].regs, 2) != 1 || arg_get(&set->t[0].regs, 3) < 0 || same_words(set))
		return -EINVAL;
	r = futex_words(set, 0, (uint32_t)arg_get(&set->t[0].regs, 5), addr);
	if (r != 0)
		return r == -2 ? -1 : r < 0 ? -EFAULT : -EAGAIN;
	if (mem_read(set->t[0].tid, (uint64_t)arg_get(&set->t[0].regs, 4), &v, sizeof(v)) != sizeof(v))
		return -EFAULT;
	r = futex_words(set, 4, v, addr);
	if (r != 0)
		return r == -2 ? -1 : r < 0 ? -EFAULT : -EAGAIN;
	/* moved waiters go to the end of the queue, where they no longer match k */
	for (w = waits; w && count < most; w = next) {
		next = w->next;
		if ((r = futex_match(set, w, k)) < 0)
			return -1;
		if (!r)
			continue;
		if (!w->requeue_pi || memcmp(w->to, to->addr, sizeof(w->to[0]) * (size_t)set->n) != 0)
			return -EINVAL;
		count++;
		if (count == 1 && !(v & FUTEX_TID_MASK)) { /* free, or its owner died: it is the first's */
			v = (uint32_t)w->set->vpid | (v & FUTEX_OWNER_DIED) | FUTEX_WAITERS;
			pi_set(set, addr, v);
			futex_wake_one(w, 0);
			continue;
		}
		v |= FUTEX_WAITERS;
		pi_set(set, addr, v);
		requeue_to_pi(w);
	}
	arm_timer();
	return count;
}

/*
 * Whether process pid has memory it may share with others: with addr,
 * whether *addr lies in a MAP_SHARED mapping; without, whether any
 * writable mapping is MAP_SHARED.
 */
struct shared_q {
	const uint64_t *addr;
	bool shared;
};

/* Looks at one mapping; false once the answer is known. */
static bool shared_at(const struct mapping *m, void *arg)
{
	struct shared_q *q = arg;
	bool found = q->addr && *q->addr >= m->lo && *q->addr < m->hi;

	q->shared = (q->addr ? found : m->perms[1] == 'w') && m->perms[3] == 's';
	return !q->shared && !found;
}

bool maps_shared(pid_t pid, const uint64_t *addr)
{
	struct shared_q q = { addr, false };

	maps_each(pid, shared_at, &q);
	return q.shared;
}

/* Is t at a futex without FUTEX_PRIVATE_FLAG whose word lies in shared memory? */
bool shared_mem_futex(const struct task *t)
{
	uint64_t addr = (uint64_t)arg_get(&t->regs, 0);

	return (long)t->regs.orig_rax == __NR_futex && !(arg_get(&t->regs, 1) & FUTEX_PRIVATE_FLAG) &&
	       maps_shared(t->tid, &addr);
}

/*
 * A futex without FUTEX_PRIVATE_FLAG whose word lies in shared memory
 * may be woken by processes outside the turns of its own: when its
 * process takes turns with no other process, such a futex is left to the
 * kernel, in every variant (see futex_apart). Other shared futexes (a
 * thread's tid word for pthread_join) stay with the monitor.
 */
static bool between_processes(struct vset *set)
{
	return set->p->turn->procs == 1 && shared_mem_futex(&set->t[0]);
}

/*
 * A private FUTEX_UNLOCK_PI where no other thread set takes turns (its
 * threads have ended, leaving FUTEX_WAITERS in the word): the word holds
 * the tid the program sees, the leader's, which the other variants'
 * kernels would refuse (EPERM); the monitor makes it, as it makes it
 * between threads (no one waits).
 */
bool futex_unlock_pi_alone(const struct vset *set)
{
	long op = arg_get(&set->t[0].regs, 1);

	return (long)set->t[0].regs.orig_rax == __NR_futex && (op & FUTEX_CMD_MASK) == FUTEX_UNLOCK_PI &&
	       (op & FUTEX_PRIVATE_FLAG) && !sched_shared(set);
}

/*
 * futex in a thread set that takes turns with others: made by the
 * monitor. Called once the variants' arguments compared equal. True
 * when handled.
 */
bool sys_futex_emulate(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 1);
	int cmd = (int)(op & FUTEX_CMD_MASK);
	long n = arg_get(&set->t[0].regs, 2), woken;
	struct futex_key k, k2;

	if (between_processes(set)) {
		/*
		 * A wait blocks in every variant: the turn passes, a signal
		 * interrupts it, and each variant's thread stops as it returns,
		 * to wait for its turn again before it runs on.
		 */
		if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) {
			c->blocking = true;
			c->policy = RUN_ALLR;
			c->own_results = true;
		}
		return false;
	}
	switch (cmd) {
	case FUTEX_WAIT: case FUTEX_WAIT_BITSET:
		futex_wait(set, cmd, op);
		return true;
	case FUTEX_WAKE: case FUTEX_WAKE_BITSET:
		k = key_at(set, 0);
		woken = futex_wake_n(set, &k, cmd == FUTEX_WAKE ? ~0u : (uint32_t)arg_get(&set->t[0].regs, 5), n, 0, NULL);
		break;
	case FUTEX_CMP_REQUEUE: case FUTEX_REQUEUE: {
		uint64_t addr[MAX_VARIANTS];
		int r = cmd == FUTEX_REQUEUE ? 0 : futex_words(set, 0, (uint32_t)arg_get(&set->t[0].regs, 5), addr);

		if (r == -2)
			return true;
		if (r != 0) {
			vset_skip_all(set, r < 0 ? -EFAULT : -EAGAIN);
			return true;
		}
		k = key_at(set, 0);
		k2 = key_at(set, 4);
		woken = futex_wake_n(set, &k, ~0u, n, arg_get(&set->t[0].regs, 3), &k2);
		break;
	}
	case FUTEX_WAKE_OP:
		futex_wake_op(set);
		return true;
	case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: case FUTEX_TRYLOCK_PI:
		futex_lock_pi(set, cmd, op);
		return true;
	case FUTEX_UNLOCK_PI:
		futex_unlock_pi(set);
		return true;
	case FUTEX_WAIT_REQUEUE_PI:
		futex_wait_requeue_pi(set, cmd, op);
		return true;
	case FUTEX_CMP_REQUEUE_PI:
		k = key_at(set, 0);
		k2 = key_at(set, 4);
		woken = futex_cmp_requeue_pi(set, &k, &k2);
		break;
	default:
		warn_once_syscall(WARN_KEY(__NR_futex, cmd), "operation is not supported between threads: it returns ENOSYS");
		vset_skip_all(set, -ENOSYS);
		return true;
	}
	if (set->phase != PH_DONE)
		vset_skip_all(set, woken);
	return true;
}

/*
 * ---- robust futex lists ----
 *
 * A thread that ends holding a robust mutex leaves its word marked "owner
 * died" and one waiter woken, by the kernel, which finds such words in the
 * list the thread registered with set_robust_list. Under the monitor that
 * is not enough: the waiters wait in the monitor, and the words hold the
 * tid the program sees (the leader's), so the kernel passes them by in the
 * other variants. The monitor follows the list itself, in every variant.
 */

#define ROBUST_MAX 2048 /* entries followed, as by the kernel */

struct robust_head { /* struct robust_list_head, as the kernel reads it */
	uint64_t next;
	int64_t offset;
	uint64_t pending;
};

/*
 * A word of the list of the thread that ended, in one variant: if that
 * thread held it, it is made "owner died" (the kernel may have done so
 * already in the leader). 1 if a waiter is to be woken, 0 if none, -1 if
 * the thread did not hold it. A lock still being taken (pending, 0) wakes
 * a waiter, as the kernel does.
 */
static int owner_died(pid_t tid, uint64_t addr, pid_t vpid, bool pending)
{
	uint32_t v, died;

	if (mem_read(tid, addr, &v, sizeof(v)) != sizeof(v))
		return -1;
	if (pending && v == 0)
		return 1;
	if ((v & FUTEX_TID_MASK) == (uint32_t)vpid) {
		died = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		mem_write(tid, addr, &died, sizeof(died));
	} else if ((v & FUTEX_TID_MASK) != 0 || !(v & FUTEX_OWNER_DIED)) {
		return -1;
	}
	return (v & FUTEX_WAITERS) != 0;
}

/* One word, the same in every variant: made "owner died", a waiter woken. False on a divergence. */
static bool robust_word(struct vset *set, const pid_t *tid, const struct futex_key *k, bool pending)
{
	int r = 0;

	for (int i = 0; i < set->n; i++) {
		int ri = owner_died(tid[i], k->addr[i], set->vpid, pending);

		if (i > 0 && ri != r) {
			vset_diverge(set, "a robust mutex the thread held differs between variants");
			return false;
		}
		r = ri;
	}
	return r <= 0 || futex_wake_n(set, k, ~0u, 1, 0, NULL) >= 0;
}

/* Reads variant i's list head; its tid, a task of the process still alive, in tid[i]. */
static bool robust_head(struct vset *set, int i, struct robust_head *h, pid_t *tid)
{
	for (int k = 0; set->robust[i] && (tid[i] = monitor_task_of(set->p, i, k)) > 0; k++)
		if (mem_read(tid[i], set->robust[i], h, sizeof(*h)) == sizeof(*h))
			return true;
	return false;
}

/*
 * The word of the entry each variant's list is at, in k, and the lists
 * move on. False at a variant's end of list, a PI mutex (not followed) or
 * an unreadable entry.
 */
static bool robust_next(struct vset *set, const pid_t *tid, const struct robust_head *h, uint64_t *at,
			struct futex_key *k)
{
	for (int i = 0; i < set->n; i++) {
		uint64_t entry = at[i];

		if (entry == set->robust[i] || (entry & 1) ||
		    mem_read(tid[i], entry, &at[i], sizeof(at[i])) != sizeof(at[i]))
			return false;
		k->addr[i] = entry + (uint64_t)h[i].offset;
	}
	return true;
}

/* Set's thread has ended: the robust mutexes it held pass on, in every variant alike. */
static void robust_release(struct vset *set)
{
	struct robust_head h[MAX_VARIANTS];
	struct futex_key k = { .shared = true };
	uint64_t at[MAX_VARIANTS];
	pid_t tid[MAX_VARIANTS];

	for (int i = 0; i < set->n; i++) {
		if (!robust_head(set, i, &h[i], tid))
			return;
		at[i] = h[i].next;
	}
	for (int n = 0; n < ROBUST_MAX && at[0] != set->robust[0]; n++) {
		bool pending = at[0] == h[0].pending; /* made below */

		if (!robust_next(set, tid, h, at, &k))
			return;
		if (!pending && !robust_word(set, tid, &k, false))
			return;
	}
	if (!h[0].pending)
		return;
	for (int i = 0; i < set->n; i++)
		k.addr[i] = h[i].pending + (uint64_t)h[i].offset;
	robust_word(set, tid, &k, true);
}

/* Wakes the threads waiting for set's thread to end (on its clear_child_tid word). */
static bool on_tid_word(const struct futex_wait *w, const void *ended)
{
	const struct vset *set = ended;

	return w->set->p == set->p && w->addr[0] == set->ctid[0];
}

static void wake_joiners(struct vset *set)
{
	if (set->ctid[0])
		wake_where(on_tid_word, set, 0);
}

/*
 * The first thread calls exit while others go on: the kernel keeps it as a
 * zombie and says nothing until the process ends. Its tid word is cleared
 * here, as the kernel will (it lies in static memory, never reused), and
 * whoever joins it is woken.
 */
void main_thread_exits(struct vset *set)
{
	uint32_t zero = 0;

	for (int i = 0; i < set->n; i++)
		if (set->ctid[i])
			mem_write(set->t[i].tid, set->ctid[i], &zero, sizeof(zero));
	robust_release(set);
	wake_joiners(set);
	sched_release(set);
}

/*
 * A thread other than the first made execve: the kernel ended every other
 * thread and gave it the process's pid, under which its exec event comes.
 * The process's first thread set takes the call over, variant by variant
 * (the exec'ing task now has the first thread's tid in each).
 */
struct task *exec_takeover(struct vset **setp, struct task *t, pid_t former)
{
	struct vset *main = *setp, *x = main->p->execing;
	int k = t->idx;
	pid_t tid = t->tid;

	if (!x || x->t[k].tid != former)
		die("exec event from %d for unknown thread %d", t->tid, former);
	if (main->phase != PH_ALL || main->call.nr != x->call.nr) {
		if (main->fw)
			futex_unlink(main->fw);
		ready_remove(main->p->turn, main);
		main->at_entry = false;
		main->call = x->call;
		main->phase = PH_ALL;
		for (int i = 0; i < main->n; i++)
			main->t[i].state = T_INCALL; /* each comes back from execve */
	}
	main->t[k] = x->t[k];
	main->t[k].tid = main->t[k].tgid = tid;
	x->t[k].state = T_GONE;
	return &main->t[k];
}

/* After an execve a thread made: the thread sets it ended are done with. */
void exec_by_thread_done(struct vset *set)
{
	struct proc *p = set->p;
	struct vset *x = p->execing;

	p->execing = NULL;
	if (!x || x == set)
		return;
	for (int i = 0; i < x->n; i++)
		x->t[i].state = T_GONE;
	memset(x->robust, 0, sizeof(x->robust)); /* the kernel followed it, in the memory exec replaced */
	thread_gone(x);
	monitor_drop_set(x);
	p->turn->holder = set;
	monitor_mark_dying(p, set);
}

/*
 * Every task of a thread set has ended. Its clear_child_tid word has been
 * zeroed by the kernel; its waiters (pthread_join) are woken here, as the
 * kernel's wake-up went to no one.
 */
void thread_gone(struct vset *set)
{
	struct proc *p = set->p;

	ready_remove(p->turn, set);
	if (set->fw) {
		futex_unlink(set->fw);
		arm_timer();
	}
	p->sets--;
	p->turn->sets--;
	if (!p->exiting && !set->dying)
		robust_release(set);
	if (!p->exiting)
		wake_joiners(set);
	if (p->turn->holder == set)
		p->turn->holder = NULL;
	schedule(p->turn);
}

/*
 * ---- wakes one variant makes alone ----
 *
 * jemalloc wakes its background thread (pthread_cond_signal) after a
 * count of allocations drawn from the address of each thread's data: at
 * another point in each variant, where the others make another call. The
 * variant makes such a wake alone, and it returns 1 at once; the thread
 * set it wakes is woken once every variant has woken it, so that each
 * variant's waiter runs on with its waker at the same point of the
 * program. Should the waiter return before that (its time was up), the
 * wakes still to come are answered as they come, and wake nothing. A
 * private futex's wake touches nothing outside the process.
 */
struct lone_wake {
	struct proc *p;
	struct futex_wait *w;	     /* the waiter, until it returns */
	uint64_t addr[MAX_VARIANTS]; /* its futex word, in every variant */
	unsigned made;		     /* variants that made their wake */
	struct lone_wake *next;
};

static struct lone_wake *lone;

static void lone_forget(const struct futex_wait *w)
{
	for (struct lone_wake *l = lone; l; l = l->next)
		if (l->w == w)
			l->w = NULL;
}

/* Process p is gone: so are the wakes its variants owe. */
static void lone_drop(const struct proc *p)
{
	for (struct lone_wake **pp = &lone; *pp;) {
		struct lone_wake *l = *pp;

		if (l->p == p) {
			*pp = l->next;
			free(l);
		} else {
			pp = &l->next;
		}
	}
}

static bool private_wake(const struct task *t)
{
	long op = arg_get(&t->regs, 1);

	return (long)t->regs.orig_rax == __NR_futex && (op & FUTEX_PRIVATE_FLAG) &&
	       (op & FUTEX_CMD_MASK) == FUTEX_WAKE && arg_get(&t->regs, 2) > 0;
}

/* Variant i's wake of addr, where another variant woke before: true if there is one. */
static bool lone_join(struct proc *p, int i, uint64_t addr, int n)
{
	for (struct lone_wake **pp = &lone; *pp; pp = &(*pp)->next) {
		struct lone_wake *l = *pp;

		if (l->p != p || l->addr[i] != addr || (l->made & (1u << i)))
			continue;
		l->made |= 1u << i;
		if (l->made != (1u << n) - 1)
			return true;
		if (l->w)
			futex_wake_one(l->w, 0);
		*pp = l->next;
		free(l);
		arm_timer();
		return true;
	}
	return false;
}

static bool lone_waiting(const struct futex_wait *w)
{
	for (struct lone_wake *l = lone; l; l = l->next)
		if (l->w == w)
			return true;
	return false;
}

/* Variant i of set is the first to wake a waiter of addr: true if there is one. */
static bool lone_first(struct vset *set, int i, uint64_t addr)
{
	for (struct futex_wait *w = waits; w; w = w->next) {
		struct lone_wake *l;

		if (w->set->p != set->p || w->addr[i] != addr || w->pi || w->requeue_pi || w->shared ||
		    lone_waiting(w))
			continue;
		l = calloc(1, sizeof(*l));
		if (!l)
			die("out of memory");
		*l = (struct lone_wake){ set->p, w, { 0 }, 1u << i, lone };
		memcpy(l->addr, w->addr, sizeof(l->addr));
		lone = l;
		return true;
	}
	return false;
}

/* Variant i's wake of up to n waiters, alone: how many it woke, as the program sees it. */
static long lone_wake_n(struct vset *set, int i, uint64_t addr, long n)
{
	long woken = 0;

	while (woken < n && (lone_join(set->p, i, addr, set->n) || lone_first(set, i, addr)))
		woken++;
	return woken;
}

/*
 * A variant that makes wake after wake alone while the others wait at
 * another call is in a loop they are not in: a divergence, not a wait
 * for ever.
 */
#define LONE_LIMIT 1000

static bool too_many_alone(struct vset *set, struct task *t)
{
	if (t->lone_at != set->syscalls) {
		t->lone_at = set->syscalls;
		t->lone_wakes = 0;
	}
	if (++t->lone_wakes <= LONE_LIMIT)
		return false;
	vset_diverge(set, "variant %d made %d futex wakes that the others did not make", t->idx, LONE_LIMIT);
	return true;
}

/* Are some variants at a private futex wake, and not all at the same one? */
bool futex_wakes_apart(const struct vset *set)
{
	int at = 0;

	for (int i = 0; i < set->n; i++)
		at += private_wake(&set->t[i]);
	if (at == 0)
		return false;
	for (int i = 1; i < set->n; i++)
		if (at < set->n || arg_get(&set->t[i].regs, 2) != arg_get(&set->t[0].regs, 2))
			return true;
	return false;
}

/*
 * Some variants are at a private futex wake the others are not at: they
 * make it alone. When all are at wakes of different counts, those that
 * wake fewest go alone (a signal one variant makes more often, while the
 * others are already at a broadcast) and the others wait for them.
 */
bool futex_lone_wake(struct vset *set)
{
	long fewest = LONG_MAX;

	if (!futex_wakes_apart(set))
		return false;
	for (int i = 0; i < set->n; i++) {
		long n = private_wake(&set->t[i]) ? arg_get(&set->t[i].regs, 2) : 0; /* 0: not all at wakes */

		fewest = n < fewest ? n : fewest;
	}
	for (int i = 0; i < set->n; i++) {
		struct task *t = &set->t[i];
		uint64_t addr = (uint64_t)arg_get(&t->regs, 0);

		if (!private_wake(t) || (fewest > 0 && arg_get(&t->regs, 2) != fewest))
			continue;
		if (too_many_alone(set, t))
			return true;
		if (opt.trace)
			fprintf(stderr, "chorus: [%d] variant %d: futex(%#lx, FUTEX_WAKE) alone\n", t->tid, i, addr);
		task_skip(t, lone_wake_n(set, i, addr, arg_get(&t->regs, 2)));
		task_resume(t, 0);
	}
	return true;
}
