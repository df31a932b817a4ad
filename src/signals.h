/* signals.h - signals the monitor keeps, queues and delivers in step. */
#ifndef SIGNALS_H
#define SIGNALS_H

#include <signal.h>
#include <time.h>

#include "chorus.h"

/* si_value of a signal the monitor queued itself. */
#define MAGIC_DELIVER 0xc40c0501L   /* deliver it, with the recorded siginfo */
#define MAGIC_INTERRUPT 0xc40c0502L /* it only interrupts a blocking call */

/* The monitor's own timers (futex time-outs, retries): they only interrupt waitpid. */
#define SIG_TIMER (SIGRTMIN + 4) /* valgrind keeps SIGRTMAX for itself */

/* One of the monitor's timers, made on first use. */
struct tick {
	timer_t id;
	bool made;
};

void tick_set(struct tick *t, int flags, const struct itimerspec *its);
#define SIGNAL_LOOK 20 /* ms between looks for signals the monitor's held tasks keep */
long ms_between(const struct timespec *a, const struct timespec *b);
bool tick_due(struct timespec *last, long ms);
bool signal_for_held(struct vset *set, unsigned round);
void signals_look(void);

void signal_queue(struct task *t, int s, long magic);
void signal_deliver(struct task *t, int s, unsigned slot);
bool signal_due_at_return(struct vset *set);
bool signal_queued_for(struct vset *set, uint64_t unblocked);
void signal_stop(struct vset *set, struct task *t, int sig);
void signals_after_exec(struct vset *set);
void signals_install_monitor(struct vset *set);
void signals_child_reset(void);
void signals_arrived(void);
void signals_drop_stale_stops(struct vset *set);
void signal_continue_twins(struct vset *set, struct task *from);
bool signal_ignored(const struct vset *set, int s);
void vset_interrupt(struct vset *set, struct task *from, int s);
void fatal_release(struct vset *set, struct task *t);
void sys_sigaction_record(struct vset *set, int s, uint64_t handler, uint64_t flags);

#endif
