/*
** Linux 6.6 EEVDF: load balancing between pCPUs (sched_balance_rq at the
** cache and machine levels, idle balancing); the policy: models/sched_eevdf.c.
*/
#include "models/sched_eevdf.h"
#include "models/sched.h"
#include "models/world.h"
#include <stdlib.h>

/* --------------------------------------------------------- balancing --- */

long eev_cpu_load(const struct cpu *c)
{
	return CP(c)->load + (c->curr ? EP(c->curr)->weight : 0);
}

/* Take e off `from`'s queue keeping its lag, place it on `to`. */
static void migrate_entity(struct sched *s, struct cpu *from, struct cpu *to, struct entity *e)
{
	eev_update_curr_request(s, from);   /* detach_task -> dequeue_entity */
	eev_update_entity_lag(s, from, e);
	eev_queue_del(from, e);
	eev_update_min_vruntime(from);
	eev_update_curr_request(s, to);     /* attach_task -> enqueue_entity */
	eev_place_entity(s, to, e, 0);
	eev_queue_add(to, e);
	eev_update_min_vruntime(to);
	CP(to)->npull++;
}

#define CACHE_NICE_TRIES 1            /* sd_init(): SD_SHARE_PKG_RESOURCES and NUMA levels */

/* May e leave its queue for pCPU t?  Not running, allowed, not hot --
** unless t's domain failed more than cache_nice_tries times
** (can_migrate_task).  failed: that count, 0 for a newly idle pass. */
static int can_migrate(const struct sched *s, const struct entity *e, int t, int failed)
{
	return cpuset_has(&e->affinity, t) &&
	       (world_now(s->w) - EP(e)->last_ran >= MIGRATION_COST || failed > CACHE_NICE_TRIES);
}

static int has_movable(const struct sched *s, const struct cpu *c, int t, int failed)
{
	for (const struct entity *e = CP(c)->head; e; e = e->next)
		if (can_migrate(s, e, t, failed))
			return 1;
	return 0;
}

/* shr_bound(w, n): w >> n, n capped below the width */
long eev_shr_bound(long w, int n)
{
	return w >> (n < 30 ? n : 30);
}

/* One load_balance() pass for pCPU t at one level: groups are the pCPUs
** of t's node (SD_CORE), or the nodes (SD_NODE): s->topo's, in domain
** order.  Returns the number of entities pulled.
** newidle: t is picking now (newidle_balance), so it needs no kick. */
int eev_balance(struct sched *s, int t, int lvl, int newidle)
{
	struct cpu *tc = &s->cpu[t];
	const struct eev *p = s->priv;
	int none = 0;
	/* without balance-failed the count stays 0: the earlier rule */
	int *failed = p->balance_failed ? &CP(tc)->nr_failed[lvl] : &none;
	int ngroups = sd_ngroups(&s->topo, t, lvl);
	int local = sd_local_group(&s->topo, t, lvl);
	long dom_load = 0;
	int dom_n = 0;
	double best_avg = -1, local_avg = 0, max_avg = -1;
	int busiest = -1, best_n = 0, local_n = 0;
	for (int g = 0; g < ngroups; g++) {
		struct sd_span gr = sd_group(&s->topo, t, lvl, g);
		long load = 0;
		int n = 0, movable = 0;
		for (int j = 0; j < gr.n; j++) {
			int i = gr.cpu[j];
			load += eev_cpu_load(&s->cpu[i]);
			n++;
			movable |= g != local && has_movable(s, &s->cpu[i], t, *failed);
		}
		if (!n)
			continue;
		dom_load += load;
		dom_n += n;
		double avg = (double)load / n;
		if (g != local && avg > max_avg)
			max_avg = avg;
		if (g == local) {
			local_avg = avg;
			local_n = n;
		} else if (movable && avg > best_avg) {
			best_avg = avg;
			busiest = g;
			best_n = n;
		}
	}
	if (busiest < 0 || 100 * best_avg <= IMBALANCE_PCT * local_avg) {
		if (100 * max_avg <= IMBALANCE_PCT * local_avg)
			*failed = 0;   /* out_balanced */
		else if (!newidle)
			(*failed)++;   /* imbalanced, nothing may move yet */
		return 0;
	}
	double dom_avg = (double)dom_load / dom_n;
	double a = (best_avg - dom_avg) * best_n, b = (dom_avg - local_avg) * local_n;
	double imb = a < b ? a : b;
	/* the busiest pCPU of the busiest group with something to give */
	struct cpu *src = NULL;
	struct sd_span bg = sd_group(&s->topo, t, lvl, busiest);
	for (int j = 0; j < bg.n; j++) {
		int i = bg.cpu[j];
		if (has_movable(s, &s->cpu[i], t, *failed) && (!src || eev_cpu_load(&s->cpu[i]) > eev_cpu_load(src)))
			src = &s->cpu[i];
	}
	int moved = 0;
	while (src && imb > 0) {
		/* least recently run first (the tail of rq->cfs_tasks) */
		struct entity *pick = NULL;
		for (struct entity *e = CP(src)->head; e; e = e->next)
			if (can_migrate(s, e, t, *failed) && eev_shr_bound(EP(e)->weight, *failed) <= imb &&
			    (!pick || EP(e)->last_ran < EP(pick)->last_ran))
				pick = e;
		if (!pick)
			break;
		migrate_entity(s, src, tc, pick);
		imb -= EP(pick)->weight;
		moved++;
		if (tc->curr) {
			/* attach_task() -> wakeup_preempt() */
			eev_update_curr(s, tc);
			if (eev_pick_eevdf(s, tc, tc->curr) == pick)
				sched_kick(s, tc);
		}
	}
	if (moved && !tc->curr && !newidle)
		sched_kick(s, tc);
	if (moved)
		*failed = 0;
	else if (!newidle)
		(*failed)++;
	return moved;
}

void eev_balance_tick(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	struct sched *s = &w->sched;
	struct eev *p = s->priv;
	(void)obj;
	(void)arg;
	p->tick++;
	for (int t = 0; t < s->ncpus; t++) {
		int busy = s->cpu[t].curr != NULL;
		if (!busy || p->tick % BUSY_FACTOR == 0)
			eev_balance(s, t, SD_CORE, 0);
		if (w->mach.nnodes > 1 && ((!busy && p->tick % 2 == 0) || p->tick % (2 * BUSY_FACTOR) == 0))
			eev_balance(s, t, SD_NODE, 0);
	}
	if (world_at(w, world_now(w) + p->balance_interval, eev_balance_tick, NULL, 0) == EVQ_NONE)
		world_fail(w);
}
