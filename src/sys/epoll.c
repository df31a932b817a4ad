/*
 * sys/epoll.c - the data of epoll registrations: each variant's own.
 *
 * epoll_ctl hands the kernel a value it gives back with each event
 * (epoll_event.data): often a descriptor, the same in every variant, but
 * often a pointer (nginx's connection, Go's poll descriptor), which is not.
 * Only the leader has the epoll instance. The monitor compares the events
 * of a registration but not its data, keeps each variant's data, and
 * gives each other variant its own in the events the leader's epoll_wait
 * returns. Registrations whose data agree in every variant are not kept.
 * A registration is found by the leader's data when an event comes (a
 * hash index, as a server may have many thousands): a new one with the
 * same data replaces an old one (the object a pointer named was freed and
 * another took its place).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "../chorus.h"

struct ep_reg {
	int epfd, fd;
	uint64_t data[MAX_VARIANTS];
};

/* Registrations, found by (epfd, fd) and by (epfd, the leader's data): each pair is in one at most. */
struct ep_regs {
	struct ep_reg *r;
	size_t n, cap;
	struct index by_fd, by_data;
};

static void ep_index(struct ep_regs *e, size_t i)
{
	index_put(&e->by_fd, (uint64_t)e->r[i].epfd, (uint64_t)e->r[i].fd, i);
	index_put(&e->by_data, (uint64_t)e->r[i].epfd, e->r[i].data[0], i);
}

/* Drops registration i; the last takes its place. */
static void ep_drop(struct ep_regs *e, size_t i)
{
	index_del(&e->by_fd, (uint64_t)e->r[i].epfd, (uint64_t)e->r[i].fd);
	index_del(&e->by_data, (uint64_t)e->r[i].epfd, e->r[i].data[0]);
	if (i != --e->n) {
		e->r[i] = e->r[e->n];
		ep_index(e, i);
	}
}

/* Drops the registration of epfd for fd (fd >= 0) or with the leader's data *lead (lead non-NULL). */
static void ep_forget(struct ep_regs *e, int epfd, int fd, const uint64_t *lead)
{
	size_t i;

	if (e && fd >= 0 && index_get(&e->by_fd, (uint64_t)epfd, (uint64_t)fd, &i))
		ep_drop(e, i);
	if (e && lead && index_get(&e->by_data, (uint64_t)epfd, *lead, &i))
		ep_drop(e, i);
}

static void ep_add(struct proc *p, const struct ep_reg *reg)
{
	struct ep_regs *e = p->ep;

	if (!e && !(e = p->ep = calloc(1, sizeof(*e))))
		die("out of memory");
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->r = realloc(e->r, e->cap * sizeof(*e->r));
		if (!e->r)
			die("out of memory");
	}
	e->r[e->n] = *reg;
	ep_index(e, e->n++);
}

/* A copy of p's registrations for a process forked from it (it shares the epoll instances). */
void ep_copy(struct proc *to, const struct proc *from)
{
	to->ep = NULL;
	for (size_t i = 0; from->ep && i < from->ep->n; i++)
		ep_add(to, &from->ep->r[i]);
}

/* The process's registrations end (it ends, or its program is replaced). */
void ep_free(struct proc *p)
{
	if (p->ep) {
		free(p->ep->r);
		index_free(&p->ep->by_fd);
		index_free(&p->ep->by_data);
	}
	free(p->ep);
	p->ep = NULL;
}

/* epoll_ctl: the events of a registration are compared, not its data; EPOLL_CTL_DEL reads neither. */
void sys_epoll_ctl_pre(struct vset *set, struct call *c)
{
	long op = arg_get(&set->t[0].regs, 1);

	if (op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD)
		c->arg[3] = (struct arg_desc){ .kind = A_INS, .size = sizeof(uint32_t) };
	else if (op == EPOLL_CTL_DEL)
		c->arg[3] = (struct arg_desc){ .kind = A_PTR };
}

void sys_epoll_ctl_post(struct vset *set, struct call *c)
{
	int epfd = (int)arg_get(&set->t[0].regs, 0), fd = (int)arg_get(&set->t[0].regs, 2);
	long op = arg_get(&set->t[0].regs, 1);
	struct ep_reg reg = { .epfd = epfd, .fd = fd };
	bool differ = false;

	if (c->ret < 0)
		return;
	ep_forget(set->p->ep, epfd, fd, NULL);
	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD)
		return;
	for (int v = 0; v < set->n; v++) {
		struct epoll_event ev;
		uint64_t at = (uint64_t)arg_get(&set->t[v].regs, 3);

		if (mem_read(set->t[v].tid, at, &ev, sizeof(ev)) != sizeof(ev))
			return;
		reg.data[v] = ev.data.u64;
		differ |= reg.data[v] != reg.data[0];
	}
	ep_forget(set->p->ep, epfd, -1, &reg.data[0]); /* its events are this registration's now */
	if (differ)
		ep_add(set->p, &reg);
}

/* Variant v's data for the leader's data lead on epfd, or lead itself if none is kept. */
static uint64_t ep_data(const struct ep_regs *e, int epfd, uint64_t lead, int v)
{
	size_t i;

	return e && index_get(&e->by_data, (uint64_t)epfd, lead, &i) ? e->r[i].data[v] : lead;
}

/* epoll_wait and epoll_pwait: each other variant's events, copied from the leader's, get its own data. */
void sys_epoll_wait_post(struct vset *set, struct call *c)
{
	int epfd = (int)arg_get(&set->t[0].regs, 0);
	struct epoll_event ev[256];

	if (c->ret <= 0 || !set->p->ep || !set->p->ep->n)
		return;
	for (int v = 1; v < set->n; v++) {
		uint64_t at = (uint64_t)arg_get(&set->t[v].regs, 1);

		for (long done = 0; done < c->ret;) {
			size_t k = (size_t)(c->ret - done < 256 ? c->ret - done : 256);
			uint64_t from = at + (uint64_t)done * sizeof(ev[0]);

			if (mem_read(set->t[v].tid, from, ev, k * sizeof(ev[0])) != (ssize_t)(k * sizeof(ev[0])))
				break;
			for (size_t i = 0; i < k; i++)
				ev[i].data.u64 = ep_data(set->p->ep, epfd, ev[i].data.u64, v);
			mem_write(set->t[v].tid, from, ev, k * sizeof(ev[0]));
			done += (long)k;
		}
	}
}
