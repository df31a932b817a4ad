/*
 * sched.c - threads: the thread sets of a process take turns, and the
 * monitor keeps their futexes.
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
 * Futex waits and wakes between the threads of a process never reach the
 * kernel: a waiting thread set stays stopped at its call, in a queue the
 * monitor keeps, and a wake picks the same waiters in every variant.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "chorus.h"
#include "signals.h"

struct futex_wait {
	struct vset *set;
	uint64_t addr[MAX_VARIANTS]; /* the futex word, in each variant */
	uint32_t bitset;
	bool timed;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	struct futex_wait *next;
};

static struct futex_wait *waits, **waits_tail = &waits;

struct proc *proc_new(const struct proc *from)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (!p)
		die("out of memory");
	if (from) {
		memcpy(p->fds.priv, from->fds.priv, sizeof(p->fds.priv));
		p->sig = from->sig;
	}
	return p;
}

bool sched_threaded(const struct vset *set)
{
	return set->p->sets > 1;
}

static void ready_remove(struct proc *p, struct vset *set)
{
	for (int i = 0; i < p->nready; i++)
		if (p->ready[i] == set) {
			memmove(&p->ready[i], &p->ready[i + 1], sizeof(p->ready[0]) * (size_t)(p->nready - i - 1));
			p->nready--;
			return;
		}
}

static void ready_add(struct proc *p, struct vset *set)
{
	for (int i = 0; i < p->nready; i++)
		if (p->ready[i] == set)
			return; /* waits already */
	if (p->nready == p->capready) {
		p->capready = p->capready ? p->capready * 2 : 8;
		p->ready = realloc(p->ready, sizeof(*p->ready) * (size_t)p->capready);
		if (!p->ready)
			die("out of memory");
	}
	p->ready[p->nready++] = set;
}

static void take_turn(struct proc *p, struct vset *set)
{
	p->holder = set;
	if (opt.trace && sched_threaded(set))
		fprintf(stderr, "chorus: [%d] takes the turn\n", set->t[0].tid);
}

/* The turn goes to the thread set that has waited longest. */
static void schedule(struct proc *p)
{
	struct vset *next;

	if (p->holder || p->nready == 0 || p->exiting)
		return;
	next = p->ready[0];
	ready_remove(p, next);
	take_turn(p, next);
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
	if (set->p->holder != set)
		return;
	set->p->holder = NULL;
	schedule(set->p);
}

/* May the set run the program's code now? A free turn nobody waits for is its. */
static bool has_turn(struct proc *p, struct vset *set)
{
	if (!p->holder && !p->exiting && p->nready == 0)
		take_turn(p, set);
	return p->holder == set || !sched_threaded(set) || p->exiting;
}

/* The set, stopped, waits in line for its turn. */
static void wait_turn(struct proc *p, struct vset *set)
{
	set->phase = PH_HELD;
	ready_add(p, set);
	schedule(p);
}

/*
 * A thread set wants to run the program's code: it does now if it has
 * the turn (or its process has one thread), else it waits for it.
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
		ready_add(p, set);
	}
	return true;
}

/* A new thread's tasks have stopped for the first time: it waits for its turn. */
void sched_new_thread(struct vset *set)
{
	for (int i = 0; i < set->n; i++)
		if (set->t[i].state != T_HELD)
			return;
	wait_turn(set->p, set);
}

/* ---- futexes ---- */

static void arm_timer(void);

static void futex_unlink(struct futex_wait *w)
{
	for (struct futex_wait **pp = &waits; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			if (waits_tail == &w->next)
				waits_tail = pp;
			break;
		}
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

/* Interrupted (a signal is coming): it returns 0, as a spurious wake-up. */
void futex_cancel(struct vset *set)
{
	if (set->phase == PH_FUTEX && set->fw) {
		futex_wake_one(set->fw, 0);
		arm_timer();
	}
}

/*
 * Every wait hit() picks returns ret. The scan starts over after each
 * wake: the waiter may take its turn at once and change the list.
 */
static void wake_where(bool (*hit)(const struct futex_wait *, const void *), const void *arg, long ret)
{
	for (struct futex_wait *w = waits, *next; w; w = next) {
		next = w->next;
		if (hit(w, arg)) {
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

/* Every futex wait of process p returns 0, as a spurious wake-up. */
void futex_wake_all(struct proc *p)
{
	wake_where(of_proc, p, 0);
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static bool expired(const struct futex_wait *w, const void *now)
{
	return w->timed && !ts_before(now, &w->deadline);
}

/* Wakes the monitor's waitpid at the first deadline (then every ms, in case it was missed). */
static void arm_timer(void)
{
	static timer_t timer;
	static bool made;
	struct itimerspec its;
	struct futex_wait *first = NULL;

	for (struct futex_wait *w = waits; w; w = w->next)
		if (w->timed && (!first || ts_before(&w->deadline, &first->deadline)))
			first = w;
	if (!made) {
		struct sigevent ev;

		if (!first)
			return;
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIG_TIMER;
		if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0)
			die("timer_create: %s", strerror(errno));
		made = true;
	}
	memset(&its, 0, sizeof(its));
	if (first) {
		its.it_value = first->deadline;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
		its.it_interval.tv_nsec = 1000000;
	}
	timer_settime(timer, TIMER_ABSTIME, &its, NULL);
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

/* The deadline of a wait, on CLOCK_MONOTONIC; false without one. */
static bool futex_deadline(struct vset *set, int cmd, long op, struct timespec *d)
{
	uint64_t p = (uint64_t)arg_get(&set->t[0].regs, 3);
	struct timespec ts, now, mono;

	if (!p || mem_read(set->t[0].tid, p, &ts, sizeof(ts)) != sizeof(ts))
		return false;
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

static void futex_wait(struct vset *set, int cmd, long op)
{
	struct futex_wait *w;
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
	w = calloc(1, sizeof(*w));
	if (!w)
		die("out of memory");
	w->set = set;
	memcpy(w->addr, addr, sizeof(addr));
	w->bitset = bitset;
	w->timed = futex_deadline(set, cmd, op, &w->deadline);
	*waits_tail = w;
	waits_tail = &w->next;
	set->fw = w;
	set->phase = PH_FUTEX;
	if (w->timed)
		arm_timer();
	sched_release(set);
}

/* Does waiter w wait on the futex at argument `arg` of the caller, in every variant? */
static int futex_match(struct vset *set, struct futex_wait *w, int arg)
{
	int same = 0;

	if (w->set->p != set->p)
		return 0;
	for (int i = 0; i < set->n; i++)
		same += w->addr[i] == (uint64_t)arg_get(&set->t[i].regs, arg);
	if (same == 0)
		return 0;
	if (same != set->n) {
		vset_diverge(set, "a futex is shared differently between threads in the variants");
		return -1;
	}
	return 1;
}

/* Wakes up to n waiters of the futex at argument `arg` (matching bitset); moves up to m more to arg2. */
static long futex_wake_n(struct vset *set, int arg, uint32_t bitset, long n, long m, int arg2)
{
	long woken = 0, moved = 0;
	struct futex_wait *w, *next;

	for (w = waits; w; w = next) {
		int r = futex_match(set, w, arg);

		next = w->next;
		if (r < 0)
			return -1;
		if (!r || !(w->bitset & bitset))
			continue;
		if (woken < n) {
			futex_wake_one(w, 0);
			woken++;
		} else if (moved < m) {
			for (int i = 0; i < set->n; i++)
				w->addr[i] = (uint64_t)arg_get(&set->t[i].regs, arg2);
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
	woken = futex_wake_n(set, 0, ~0u, n, 0, 0);
	if (woken >= 0 && hit)
		woken += futex_wake_n(set, 4, ~0u, n2, 0, 0);
	if (set->phase != PH_DONE)
		vset_skip_all(set, woken);
}

/*
 * futex in a process with more than one thread: made by the monitor.
 * Called once the variants' arguments compared equal. True when handled.
 */
bool sys_futex_emulate(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 1);
	int cmd = (int)(op & FUTEX_CMD_MASK);
	long n = arg_get(&set->t[0].regs, 2), woken;

	(void)c;
	switch (cmd) {
	case FUTEX_WAIT: case FUTEX_WAIT_BITSET:
		futex_wait(set, cmd, op);
		return true;
	case FUTEX_WAKE: case FUTEX_WAKE_BITSET:
		woken = futex_wake_n(set, 0, cmd == FUTEX_WAKE ? ~0u : (uint32_t)arg_get(&set->t[0].regs, 5), n, 0, 0);
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
		woken = futex_wake_n(set, 0, ~0u, n, arg_get(&set->t[0].regs, 3), 4);
		break;
	}
	case FUTEX_WAKE_OP:
		futex_wake_op(set);
		return true;
	default:
		warn_once_syscall(WARN_KEY(__NR_futex, cmd), "operation is not supported between threads: it returns ENOSYS");
		vset_skip_all(set, -ENOSYS);
		return true;
	}
	if (woken >= 0)
		vset_skip_all(set, woken);
	return true;
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
		ready_remove(main->p, main);
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
	thread_gone(x);
	monitor_drop_set(x);
	p->holder = set;
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

	ready_remove(p, set);
	if (set->fw) {
		futex_unlink(set->fw);
		arm_timer();
	}
	p->sets--;
	if (!p->exiting)
		wake_joiners(set);
	if (p->holder == set)
		p->holder = NULL;
	schedule(p);
}
