/* chorus.h - types shared by the monitor: tasks, variant sets, the syscall table. */
#ifndef CHORUS_H
#define CHORUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/user.h>

#define MAX_VARIANTS 16
#define MAX_SYSCALL 512

/* Exit statuses, following env(1). */
enum {
	EXIT_CHORUS_FAIL = 125,
	EXIT_NOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
	EXIT_DIVERGENCE_DEFAULT = 86,
};

/* How the other variants get a twin of the leader's new descriptor. */
enum { MIRROR_REOPEN, MIRROR_PLACEHOLDER };

/* How a syscall is carried out across the variants. */
enum policy {
	RUN_NONE,	  /* not in the table: fail closed */
	RUN_ALL,	  /* run in every variant, results not read */
	RUN_ALLR,	  /* run in every variant, return values must agree */
	RUN_OWN,	  /* run in every variant, each keeps its own result */
	RUN_ONCE,	  /* run in the leader, result and outputs copied to the others */
	RUN_FD,	  /* run in the leader, then mirror the new descriptor in the others */
	RUN_EMU,	  /* computed by the monitor, run nowhere */
	RUN_DENY,	  /* never run: every variant gets the table's errno */
	RUN_EXIT,	  /* exit/exit_group: run in every variant, they end */
	RUN_EXEC,	  /* execve: run in every variant, then the exec event */
	RUN_SIGRET, /* rt_sigreturn: run in every variant, no exit stop */
	RUN_PLACE,  /* mmap: the leader first, the others at a congruent address */
	RUN_MON,    /* made by the monitor itself, outputs copied to every variant */
	RUN_FORK,   /* fork/vfork/clone: every variant, the children make a new set */
	RUN_LAST = RUN_FORK,
};

/* What an argument is and what it points to. */
enum arg_kind {
	A_NONE,	   /* unused */
	A_VAL,	   /* scalar, compared by value */
	A_FD,	   /* file descriptor */
	A_PID,	   /* process id as the program sees it */
	A_PGID,	   /* process group id: a pid, or the monitor's, which leads the group chorus started in */
	A_PTR,	   /* an address that is not compared nor followed */
	A_STR,	   /* NUL-terminated string (path) */
	A_IN,	   /* input buffer, length in argument `len` */
	A_INS,	   /* input struct of `size` bytes (may be NULL) */
	A_OUT,	   /* output buffer, capacity in argument `len`, result bytes */
	A_OUTS,	   /* output struct of `size` bytes */
	A_IOS,	   /* struct read and written, `size` bytes */
	A_IOA,	   /* array of `len`-argument elements of `size` bytes, in and out */
	A_OUTA,	   /* array of `size`-byte elements, as many as the result */
	A_IOV_IN,  /* iovec array with count in argument `len`, data read */
	A_IOV_OUT, /* iovec array with count in argument `len`, result bytes */
	A_OUTL,	   /* output buffer whose capacity is *argument `len` (socklen_t) */
	A_STRV,	   /* NULL-terminated array of strings (argv, envp) */
	A_MSG_IN,  /* struct msghdr to send */
	A_MSG_OUT, /* struct msghdr to receive into */
	A_FDSET,   /* fd_set in and out, size from argument 0 (nfds) */
	A_SIGSET,  /* sigset_t in, size in argument `len` */
	A_SADDR,   /* socket address in, length in argument `len` */
	A_FLOCK,   /* struct flock in and out; its padding is not compared */
	A_POLLFD,  /* struct pollfd array, count in argument `len`: fd and events in, revents out */
	A_INT,	   /* an int or u32, compared by its low 32 bits (the kernel reads no more) */
	A_INA,	   /* array of `len`-argument elements of `size` bytes, in */
	A_MTEXT_IN,  /* System V message: a long then `len`-argument bytes, in */
	A_MTEXT_OUT, /* System V message: a long then bytes, capacity in argument `len`, result bytes */
	A_KIND_LAST = A_MTEXT_OUT,
};

struct arg_desc {
	uint8_t kind;
	int8_t len;    /* index of the argument giving the length or count */
	uint16_t size; /* fixed size or element size */
	uint8_t timeout; /* a relative time-out: a timespec (A_INS) or ms (A_INT) */
};

struct call;
struct vset;
typedef void (*sc_handler)(struct vset *set, struct call *c);

/* One row of the syscall table. */
struct sc_desc {
	const char *name;
	int nr;
	enum policy policy;
	int err;       /* errno for RUN_DENY */
	sc_handler pre; /* irregular: may change the policy or the arguments */
	sc_handler post; /* after the call completed in the leader / all */
	int nargs;
	struct arg_desc arg[6];
};

const struct sc_desc *sc_lookup(long nr);
const struct sc_desc *sc_by_name(const char *name);
int sc_count(void);
const struct sc_desc *sc_at(int i);

/* State of one task of a variant set, seen from the monitor. */
enum tstate {
	T_RUNNING,  /* resumed, no stop expected before its next syscall */
	T_ENTRY,    /* stopped at a syscall entry */
	T_INCALL,   /* resumed inside a syscall, exit stop expected */
	T_EXIT,	    /* stopped at a syscall exit */
	T_FAULT,    /* stopped with a synchronous fault signal */
	T_RDTSC,    /* stopped on a trapped rdtsc/rdtscp */
	T_GONE,	    /* exited or killed */
	T_SIGWAIT,  /* resumed to take a signal the monitor queued */
	T_NEW,	    /* a new child, before its first stop */
	T_FORKED,   /* stopped at the fork event of its clone/fork/vfork */
	T_HELD,	    /* stopped, waiting for its thread's turn */
	T_SAMPLED,  /* stopped by the monitor in the program's code (a busy loop?) */
};

struct task {
	pid_t tid;
	pid_t tgid; /* its process: its own tid, or its first thread's */
	pid_t ppid; /* real parent */
	pid_t child; /* at a fork event: the new child's tid */
	int idx;
	enum tstate state;
	struct user_regs_struct regs; /* at the stop, as the variant left them */
	struct user_regs_struct saved; /* original registers around a substitute call */
	bool substituted;
	int status;   /* wait status once gone */
	siginfo_t si; /* for T_FAULT */
	int rdtscp;   /* for T_RDTSC: 1 when rdtscp */
	uint8_t expect[65]; /* signals it sent itself, to let through as they come */
	int16_t deliver[65]; /* delivery slot + 1 of a signal the monitor queued to deliver */
	int64_t shift;	/* where this variant's mappings lie relative to the leader's */
	bool placed;	/* shift is known (for the current exec) */
	uint64_t heap_at; /* where its first brk(0) after exec puts its heap, or 0 */
	int tries;	/* attempts at placing the current mapping */
	bool at_hint;	/* the current mapping goes where its own call asks, as the leader's went */
	unsigned solo_reads; /* coarse clock reads alone since the set last met (solo.c) */
	unsigned lone_wakes; /* futex wakes alone since the set last met, at syscall count lone_at (sched.c) */
	uint64_t lone_at;
	int step;	/* descriptors mirrored so far */
	int moving;	/* a twin made at another number: its fd + 1 while dup3 moves it, -(fd + 1) while closed */
	bool gstopped;	/* in a group-stop (SIGSTOP, SIGTSTP ...), listened on */
	uint8_t cpuid;	/* CPUID faulting (cpuid.c): CPUID_NATIVE ... */
};

enum { CPUID_NATIVE, CPUID_TO_TRAP, CPUID_TRAPPING, CPUID_TRAPPED };

/* The syscall being handled at a rendezvous. */
struct call {
	long nr;
	const struct sc_desc *d;
	enum policy policy;
	int nargs;
	struct arg_desc arg[6]; /* the table's, as the pre handler refined them */
	bool per_variant; /* private fd or /proc/self path: results are each variant's own */
	bool own_results; /* return values may differ between variants */
	bool code;	  /* may make memory executable: code layouts checked after it */
	int priv_kind;	  /* for a call making a private fd: its kind */
	bool blocking;	  /* may block in every variant: interrupt them for a signal */
	bool kicked;	  /* the variants still in it were interrupted, as one came back for a signal */
	bool unblocks;	  /* unblocks a signal queued in the leader: delivered as it returns */
	bool copy_inputs; /* asked by the pre handler; then true if the leader's call reads its inputs from a copy, the one compared: it may give up the turn */
	long ret;	  /* leader's (or emulated) result */
	uint8_t own_pid;  /* arguments set to each variant's real pid once compared */
	struct vset *pid_set[6]; /* for own_pid: whose pid (NULL: the caller's own) */
	int8_t own_path;  /* argument + 1: a /proc path by the program's ids, each variant's own once compared */
	struct vset *child; /* the set a fork made */
	long lead_regs_args[6];
	int newfd_kind;	  /* how followers mirror the first new descriptor */
	int newfd[16];	  /* descriptors the leader's call made */
	int nnew;
};

/* Async signal kept by the monitor until every variant can take it. */
struct pending_sig {
	int signo;
	siginfo_t si;
};

#define MAX_PENDING 64

/* Disjoint code layouts: off; on, but a fixed-address program's own image is shared; on for all. */
enum { DCL_OFF, DCL_ON, DCL_STRICT };

/* An executable mapping of a variant (layout.c). */
#define MAX_CODE 1024
struct code_range {
	unsigned long lo, hi;
	char path[160];
};
struct code_map;

/* Per-process descriptor facts the monitor needs. */
#define FD_TRACK 1024
/*
 * Descriptors whose file is each variant's own: a /proc/self file (plain,
 * or showing the pid), a signalfd, /proc/self itself, and an end of a pipe
 * made non-blocking by pipe2, whose data is each variant's own too.
 */
enum { PRIV_NONE, PRIV_PLAIN, PRIV_PROCSTAT, PRIV_SIGNALFD, PRIV_SELF, PRIV_PIPE };
struct fdstate {
	uint8_t priv[FD_TRACK]; /* fds whose data is each variant's own, and of what kind */
	int mon[FD_TRACK];	/* the monitor's copy of the leader's fd: 0 none yet, -1 not usable */
	uint8_t null[FD_TRACK]; /* /dev/null in every variant: 0 not known yet, 1 yes, 2 no */
	int pidfd;		/* the leader's pidfd, to copy its descriptors */
};

/* Signal dispositions, tracked from rt_sigaction, to decide restarts. */
struct sigstate {
	uint64_t handled;   /* has a handler */
	uint64_t restart;   /* handler has SA_RESTART */
	uint64_t ignored;   /* SIG_IGN */
};

/*
 * Thread sets that take turns: only the holder's tasks run the program's
 * code, so every variant goes through the same interleaving, and futexes
 * between them are kept by the monitor. The threads of a process take
 * turns, and so do processes that share writable memory (a fork child of
 * a process with a MAP_SHARED writable mapping, until it execs).
 */
struct turn {
	int procs;		/* processes taking this turn */
	int sets;		/* thread sets alive in them */
	struct vset *holder;	/* the thread set whose turn it is, or NULL */
	struct vset **ready;	/* thread sets waiting for their turn, in order */
	int nready, capready;
	uint64_t calls;		/* the holder's syscall count ... */
	struct timespec since;	/* ... and since when it is that */
};

/* What a process of the program shares between its threads. */
struct futex_wait;
struct pipe_write;
struct proc {
	int sets;		/* thread sets alive */
	struct vset *main;	/* the set of its first thread */
	struct turn *turn;
	bool exiting;		/* exit_group or a fatal signal is ending every thread */
	struct vset *execing;	/* a thread set in execve: the others may die */
	struct fdstate fds;
	struct sigstate sig;
	struct code_map *code[MAX_VARIANTS]; /* each variant's executable mappings, as last checked */
	unsigned looked;	/* signals_look()'s round when it last read ShdPnd */
	bool shared;		/* a signal for the process was pending then */
	bool taken;		/* a held thread set was let go for it in that round */
	struct ep_regs *ep;	/* epoll registrations whose data differ between variants (sys/epoll.c) */
	struct vset *mirroring; /* the thread set whose new descriptors the other variants are making */
	long long met_at;	/* when one of its thread sets last met at a syscall (cpu.c), or 0 */
	long long left_at;	/* when one of its thread sets last went on from a meeting, or 0 */
	bool pinned;		/* on the monitor's CPU */
	int streak;		/* meetings in a row that say it should move */
};

enum phase {
	PH_RUN,	   /* variants running to their next stop */
	PH_LEADER, /* leader runs the call, the others wait */
	PH_FOLLOW, /* followers run their mirror of the leader's call */
	PH_ALL,	   /* every variant runs the call, exit stops expected */
	PH_SIG,	   /* every variant takes a queued signal */
	PH_RETSIG, /* the leader takes a signal as its call returns, the others wait */
	PH_HELD,   /* stopped until its thread's turn comes */
	PH_FUTEX,  /* in a futex wait the monitor keeps */
	PH_WRITE,  /* its write to a full pipe is made by the monitor as room comes */
	PH_DONE,
};

/* The deadline of a call with a time-out, kept in case a signal makes it start again. */
struct timeout {
	long nr;
	long long end; /* CLOCK_MONOTONIC, ns */
	bool armed;    /* end is this call's */
	bool again;    /* the call is being made again after a signal */
};

/*
 * The coarse clocks (CLOCK_MONOTONIC_COARSE, CLOCK_REALTIME_COARSE) the
 * monitor read for reads alone after the set's call number at; kept for as
 * many positions as the leader may be ahead of the others (ahead.c).
 */
#define AHEAD_CALLS 64
#define COARSE_KEPT (AHEAD_CALLS + 1)
struct coarse_read {
	uint64_t at;
	struct timespec ts[2];
};

struct vset {
	int n;
	struct task t[MAX_VARIANTS];
	enum phase phase;
	struct call call;
	bool launching;	  /* before the first execve has completed */
	time_t apart_since; /* some variants in a shared futex alone, since (monotonic s), or 0 */
	bool exec_seen[MAX_VARIANTS];
	struct pending_sig pend[MAX_PENDING]; /* in arrival order */
	int npend;
	siginfo_t delivering[MAX_PENDING]; /* what the program sees, by delivery slot */
	unsigned dnext;
	long interrupted; /* restart code of a call being made again after a signal */
	int fatal_sig;	  /* default-fatal signal that ended every variant */
	struct proc *p;	  /* the process this thread set belongs to */
	bool at_entry;	  /* waits at a syscall entry for its turn */
	bool sampling;	  /* its tasks are being stopped where they run: does it spin? */
	struct spin *spin; /* what the monitor's last look at them found (spin.c), made on first use */
	struct coarse_read coarse[COARSE_KEPT]; /* coarse clocks for reads alone, by position (solo.c) */
	unsigned coarse_next;
	bool dying;	  /* its process's execve by another thread ends it */
	uint64_t ctid[MAX_VARIANTS]; /* clear_child_tid address, per variant */
	uint64_t robust[MAX_VARIANTS]; /* its robust futex list (set_robust_list), per variant */
	struct futex_wait *fw;	     /* while in PH_FUTEX */
	struct pipe_write *pw;	     /* while in PH_WRITE */
	struct timeout tmo; /* the deadline of its current call's time-out (timeout.c) */
	pid_t vpid;	  /* pid (tid) the program sees: the leader's */
	pid_t vppid;
	int exit_status;  /* wait status of the program when it ended */
	uint64_t syscalls;
	struct ahead *ahead; /* reads the leader made without waiting (ahead.c), or NULL */
	bool mirror_wait; /* its descriptors wait for another thread's to be mirrored */
};

/* Options from the command line. */
struct options {
	int n;
	const char *paths[MAX_VARIANTS]; /* resolved binary per variant */
	char *const *argv;		 /* argv of the program, argv[0] included */
	const char *events;
	int divergence_status;
	bool trace;
	bool no_diversity; /* one layout for every variant */
	int dcl;	   /* disjoint code layouts, checked: DCL_OFF, DCL_ON, DCL_STRICT */
	bool layout;	   /* print where each variant's code lies */
	bool no_pin;	   /* never put a process's variants on the monitor's CPU (cpu.c) */
};

extern struct options opt;

/* index.c: a hash index from a pair of keys to a position in an array */
struct index_slot {
	uint64_t a, b;
	size_t pos1; /* the position + 1; 0: empty */
};
struct index {
	struct index_slot *s;
	size_t cap, n; /* cap: 0 or a power of two */
};
void index_put(struct index *ix, uint64_t a, uint64_t b, size_t pos);
bool index_get(const struct index *ix, uint64_t a, uint64_t b, size_t *pos);
void index_del(struct index *ix, uint64_t a, uint64_t b);
void index_free(struct index *ix);

/* main.c (die), warn.c */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define WARN_KEY(nr, op) ((long)(nr) << 32 | ((long)(op) & 0xffffffffL))
void warn_once_syscall(long key, const char *what);

/* launch.c */
int launch(struct vset *set);
void shm_check(struct vset *set);

/* filter.c */
int filter_build(void);
int filter_install(void);

/* monitor.c */
int monitor_run(struct vset *set);
void monitor_kill_all(struct vset *set);
void monitor_add_set(struct vset *set);
void monitor_drop_set(struct vset *set);
void monitor_mark_dying(struct proc *p, struct vset *keep);
struct vset *monitor_set_by_vpid(pid_t vpid);
struct vset *monitor_mirror_waiting(const struct proc *p);
pid_t monitor_task_of(const struct proc *p, int v, int k);
bool monitor_pid_hidden(pid_t pid);
struct vset *monitor_set_of(int k, pid_t real);
void monitor_adopt(struct vset *set);
void monitor_finish(int status);
void monitor_check_apart(void);

/* vset.c */
void vset_event(struct vset *set, struct task *t);
void vset_skip_all(struct vset *set, long ret);
void vset_redo_all(struct vset *set);
void vset_release_followers(struct vset *set);
void vset_deliver_at_return(struct vset *set, int s, const siginfo_t *si);
void vset_resume_tasks(struct vset *set);
struct task *vset_find(struct vset *set, pid_t tid);
void task_resume(struct task *t, int sig);
void task_resume_syscall(struct task *t);
void task_substitute(struct task *t);
void restore_args(struct task *t);
bool task_retry(struct task *t);
bool tasks_retry(struct vset *set, int from);
bool is_restart(long r);
void vset_diverge(struct vset *set, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tracee.c */
int regs_get(struct task *t);
int regs_set(struct task *t);
void regs_put(struct task *t);
void regs_redo(struct user_regs_struct *r);
/* Signal masks of a task, as /proc/TID/status shows them. */
struct sigmasks {
	uint64_t pending, shared, blocked, ignored; /* SigPnd, ShdPnd, SigBlk, SigIgn */
};

bool proc_sigmasks(pid_t tid, struct sigmasks *m);
#define QUEUE_PEEK 64 /* signals queued looked at, per queue */
void queued_counts(const struct task *t, unsigned counts[65]);

/* A line of /proc/PID/maps. */
struct mapping {
	unsigned long lo, hi;
	unsigned long off; /* offset in the file */
	char perms[8];	   /* "rw-p" */
	const char *path; /* "" for none */
};

bool maps_each(pid_t pid, bool (*fn)(const struct mapping *m, void *arg), void *arg);
bool runs_file(pid_t pid, const char *path);
ssize_t mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len);
uint64_t stack_put(const struct task *t, const void *data, size_t len);
uint64_t stack_put_below(const struct task *t, const void *data, size_t len, size_t gap);
long arg_get(const struct user_regs_struct *r, int i);
void arg_set(struct user_regs_struct *r, int i, long v);
void task_skip(struct task *t, long ret);
void task_rewind(struct task *t);
int hide_vdso(struct task *t);

/* compare.c */
bool scalar_arg(int kind);
int compare_call(struct vset *set, char *why, size_t whylen);
int compare_arg(struct vset *set, int i, char *why, size_t whylen);

/* fdmap.c (more) */
long fd_flags(pid_t pid, int fd);
bool fd_cloexec(pid_t pid, int fd);
bool fd_same_file(pid_t a, pid_t b, int fd);
bool fd_in_use(pid_t pid, int fd);

/* mirror.c */
bool mirror_wanted(struct vset *set);
void mirror_start(struct vset *set);
bool mirror_done(struct vset *set);

/* fork.c */
void fork_spawn(struct vset *set);
void sys_clone3_pre(struct vset *set, struct call *c);
void fork_done(struct vset *set);
void sys_pid_result_post(struct vset *set, struct call *c);
void pid_args(struct vset *set, struct call *c);
bool pid_answered(struct vset *set, struct call *c);
bool reap_wanted(struct vset *set);
bool reap_done(struct vset *set);

/* sched.c */
struct proc *proc_new(const struct proc *from, struct vset *main);
void proc_free(struct proc *p);
void sched_join(struct proc *p, struct proc *with);
void sched_leave(struct vset *set);
bool sched_shared(const struct vset *set);
bool maps_shared(pid_t pid, const uint64_t *addr);
bool shared_mem_futex(const struct task *t);
void sched_resume(struct vset *set);
void sched_release(struct vset *set);
bool sched_threaded(const struct vset *set);
void sched_new_thread(struct vset *set);
bool sched_check_stall(struct vset *set);
bool sched_sampled(struct vset *set);
bool sched_holds_turn(const struct vset *set);
void sched_stall_tick(bool on);
bool sched_wait_entry(struct vset *set);
void vset_begin(struct vset *set);
bool sys_futex_emulate(struct vset *set, struct call *c);
bool futex_unlock_pi_alone(const struct vset *set);
bool futex_lone_wake(struct vset *set);
bool futex_wakes_apart(const struct vset *set);
void futex_cancel(struct vset *set);
void futex_wake_all(struct proc *p);
void futex_timeouts(void);
void futex_waits_signalled(unsigned round, bool mains);
void thread_gone(struct vset *set);
void main_thread_exits(struct vset *set);
struct task *exec_takeover(struct vset **setp, struct task *t, pid_t former);
void exec_by_thread_done(struct vset *set);

/* mm.c */
void place_begin(struct vset *set);
void heap_align(struct vset *set);
void heap_place(struct task *t);
void sys_brk_pre(struct vset *set, struct call *c);
bool place_done(struct vset *set);

/* report.c (more) */
void report_exec_failure(struct vset *set, int err);
void report_no_diversity(struct vset *set);
void report_fixed_code(struct vset *set, const char *path);
bool events_on(void);
void events_code(struct vset *set, int k, const struct code_range *r);

/* ahead.c */
bool ahead_event(struct vset *set, struct task *t);
uint64_t ahead_position(const struct vset *set, const struct task *t);
void ahead_free(struct vset *set);

/* solo.c */
bool solo_call(struct vset *set, struct task *t);

/* spin.c */
bool spin_waits(struct vset *set);

/* symbol.c */
bool code_symbol(pid_t pid, unsigned long lo, unsigned long hi, const char *path, uint64_t off, char *name,
		 size_t len);

/* layout.c */
bool layout_check(struct vset *set);
bool layout_is_code(struct vset *set, int k, unsigned long addr, unsigned long len);
void layout_forget(struct proc *p);
void sys_code_pre(struct vset *set, struct call *c);

/* replicate.c */
int replicate_outputs(struct vset *set, struct task *from, struct task *to, long ret);

/* fdmap.c */
int fd_private(const struct fdstate *f, long fd);
void fd_set_private(struct fdstate *f, long fd, int kind);
int path_private_kind(const char *path);
int proc_file_kind(const char *path);
bool path_private(const char *path);
void shm_set_private(bool own);
int fd_mirror_kind(pid_t leader, int fd);
void fd_exec_sync(struct vset *set);
void fd_forget(struct vset *set, long fd);
void own_path_apply(struct vset *set);
void ep_copy(struct proc *to, const struct proc *from);
void ep_free(struct proc *p);
bool io_by_monitor(struct vset *set);
int io_monitor_fd(struct vset *set, long fd);
long io_read_fd(int m, void *buf, long len, long off, bool at);
long io_read_lost(int m, long r, bool at);
bool io_to_null(struct vset *set);
bool pipe_write_begin(struct vset *set);
void pipe_writes_retry(void);
void pipe_writes_signalled(unsigned round, bool mains);
void pipe_write_cancel(struct vset *set);
bool call_in_monitor(struct vset *set);
void sys_clock_pre(struct vset *set, struct call *c);

/* report.c */
void trace_call(struct vset *set);
void report_call(char *buf, size_t len, struct vset *set, struct task *t);
int events_open(const char *path);
void events_start(struct vset *set);
void events_divergence(struct vset *set, const char *text);
void events_exit(struct vset *set, int status);
void report_divergence(struct vset *set, const char *what, const char *detail);
int format_str(char *out, size_t outlen, const unsigned char *s, size_t n, size_t max);

/* sys handlers */
void sys_open_pre(struct vset *set, struct call *c);
void sys_epoll_ctl_pre(struct vset *set, struct call *c);
void sys_epoll_ctl_post(struct vset *set, struct call *c);
void sys_epoll_wait_post(struct vset *set, struct call *c);
void sys_open_post(struct vset *set, struct call *c);
void sys_signalfd_pre(struct vset *set, struct call *c);
void sys_signalfd_post(struct vset *set, struct call *c);
void sys_sigsuspend_pre(struct vset *set, struct call *c);
void sys_sigtimedwait_pre(struct vset *set, struct call *c);
bool signalfd_follow(struct vset *set);
/* cpuid.c */
void cpuid_after_exec(struct task *t);
bool cpuid_trap_begin(struct task *t);
bool cpuid_trap_end(struct task *t);
bool cpuid_emulate(struct task *t);
/* timeout.c */
void timeout_begin(struct vset *set);
void timeout_again(struct vset *set);
bool timeout_eintr_spurious(struct vset *set);
bool signalfd_done(struct vset *set);
void fd_rewrite_pids(struct vset *set);
void sys_close_pre(struct vset *set, struct call *c);
void sys_fd_close_post(struct vset *set, struct call *c);
void sys_memfd_post(struct vset *set, struct call *c);
void sys_dup_post(struct vset *set, struct call *c);
void sys_fcntl_pre(struct vset *set, struct call *c);
void sys_fcntl_post(struct vset *set, struct call *c);
void sys_ioctl_pre(struct vset *set, struct call *c);
void sys_path_pre(struct vset *set, struct call *c);
void sys_names_pre(struct vset *set, struct call *c);
void sys_getpid(struct vset *set, struct call *c);
void sys_getppid(struct vset *set, struct call *c);
void sys_tid_post(struct vset *set, struct call *c);
void sys_robust_pre(struct vset *set, struct call *c);
void sys_kill_pre(struct vset *set, struct call *c);
void sys_personality_pre(struct vset *set, struct call *c);
void sys_tkill_post(struct vset *set, struct call *c);
void sys_sigaction_pre(struct vset *set, struct call *c);
void sys_sigprocmask_pre(struct vset *set, struct call *c);
void sys_prctl_pre(struct vset *set, struct call *c);
void sys_arch_prctl_pre(struct vset *set, struct call *c);
void sys_pair_post(struct vset *set, struct call *c);
void sys_mkdir_pre(struct vset *set, struct call *c);
void tmpname_reconcile(struct vset *set, struct call *c);
bool solo_catch_up(struct vset *set);
bool mprotects_apart(const struct vset *set);
bool futex_apart(const struct vset *set);
bool apart_too_long(struct vset *set);
void sys_mmap_pre(struct vset *set, struct call *c);
void call_may_make_code(struct call *c, bool addr_result);
void sys_shmget_post(struct vset *set, struct call *c);
void sys_shmat_pre(struct vset *set, struct call *c);
void sys_shmctl_pre(struct vset *set, struct call *c);
void sys_shmctl_post(struct vset *set, struct call *c);
int ipc_cmd(const struct vset *set, int i);
void sys_ipc_send_pre(struct vset *set, struct call *c);
void sys_semctl_pre(struct vset *set, struct call *c);
void sys_msgctl_pre(struct vset *set, struct call *c);
void sys_mq_notify_pre(struct vset *set, struct call *c);
void sys_mq_notify_post(struct vset *set, struct call *c);
void sys_timer_create_post(struct vset *set, struct call *c);
void sys_timer_delete_post(struct vset *set, struct call *c);
void sys_sigtimedwait_post(struct vset *set, struct call *c);
void notice_forget(const struct proc *p);
void notice_value(const struct proc *p, int k, siginfo_t *si);
void notice_signalfd(struct vset *set);
void shm_forget_all(void);
void cpu_setup(void);
void cpu_cpuid(unsigned leaf, unsigned sub, unsigned r[4]);
void cpu_met(struct vset *set);
void monitor_each_set(const struct proc *p, void (*fn)(struct vset *set, const void *arg), const void *arg);
bool cpu_look(struct vset *set);
void cpu_looked(bool any_pinned);
void cpu_left(struct vset *set);
void sys_getaffinity_post(struct vset *set, struct call *c);
void sys_clone_pre(struct vset *set, struct call *c);
void sys_futex_pre(struct vset *set, struct call *c);
bool futex_uses_value(long op, int arg);
void sys_prlimit_pre(struct vset *set, struct call *c);
void sys_prio_pre(struct vset *set, struct call *c);

#endif
