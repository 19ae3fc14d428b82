/*
** Scenario loading: the <machine> and <hypervisor> elements.
** Shared state and helpers: load.h.
*/
#include "sim/scenario/load.h"
#include "sim/scenario/dist.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* ------------------------------------------------------ the machine --- */

/* Long: <machine>'s attributes and children in schema order, each checked
** where it is read. */
void ld_read_machine(struct ld *ld, xmlNodePtr m)
{
	struct scn_machine *mc = &ld->s->machine;
	mc->name = ld_dupattr(ld, m, "name");
	mc->loc = ld_loc_of(ld, m);
	if (ld_get(ld, m, "frequency", 1, ld_p_freq, &mc->freq) == 1 &&
	    !(mc->freq >= LIM_FREQ_MIN && mc->freq <= LIM_FREQ_MAX)) {
		ld_range_err(ld, m, "frequency", "a frequency from 1MHz to 1000GHz");
		mc->freq = 0;
	}
	ld_get(ld, m, "mem-latency", 0, ld_p_time, &mc->mem_latency);

	int nn = 0;
	for (xmlNodePtr c = ld_next_el(m->children); c; c = ld_next_el(c->next))
		nn += ld_is_el(c, "node");
	mc->node = calloc((size_t)nn + 1, sizeof *mc->node);
	mc->hops = calloc((size_t)nn * nn + 1, sizeof *mc->hops);
	mc->read = calloc((size_t)nn * nn + 1, sizeof *mc->read);
	mc->write = calloc((size_t)nn * nn + 1, sizeof *mc->write);
	char *seen = calloc((size_t)nn + 1, 1), *rowseen = calloc((size_t)nn + 1, 1);
	int nnic = 0, ndisk = 0;
	for (xmlNodePtr c = ld_next_el(m->children); c; c = ld_next_el(c->next)) {
		nnic += ld_is_el(c, "nic");
		ndisk += ld_is_el(c, "disk");
	}
	mc->nic = calloc((size_t)nnic + 1, sizeof *mc->nic);
	mc->disk = calloc((size_t)ndisk + 1, sizeof *mc->disk);
	if (!ld_mem(ld, mc->node) || !ld_mem(ld, mc->hops) || !ld_mem(ld, mc->read) || !ld_mem(ld, mc->write) ||
	    !ld_mem(ld, seen) || !ld_mem(ld, rowseen) || !ld_mem(ld, mc->nic) || !ld_mem(ld, mc->disk)) {
		free(seen);
		free(rowseen);
		return;
	}
	mc->nnodes = nn;

	xmlNodePtr dist = NULL;
	for (xmlNodePtr c = ld_next_el(m->children); c; c = ld_next_el(c->next)) {
		if (ld_is_el(c, "cache") && mc->ncache < SCN_MAX_CACHES) {
			struct scn_cache *k = &mc->cache[mc->ncache++];
			k->line = 64;
			ld_get(ld, c, "level", 1, ld_p_int, &k->level);
			ld_get(ld, c, "size", 1, ld_p_bytes, &k->size);
			ld_get(ld, c, "line", 0, ld_p_bytes, &k->line);
			const char *sh = ld_attr(c, "shared");
			k->per_node = sh && strcmp(sh, "node") == 0;
			if (k->line <= 0 || k->size < k->line)
				ld_err_at(ld, c, NULL, "expected a cache at least one line long", NULL, NULL);
		} else if (ld_is_el(c, "node")) {
			int id = -1;
			if (ld_get(ld, c, "id", 1, ld_p_int, &id) != 1)
				continue;
			if (id >= nn) {
				char got[32];
				snprintf(got, sizeof got, "%d", id);
				char why[64];
				snprintf(why, sizeof why, "a node id from 0 to %d (ids number the nodes)", nn - 1);
				ld_err_at(ld, c, "id", "expected ", got, why);
				continue;
			}
			seen[id] = 1;
			struct scn_node *nd = &mc->node[id];
			nd->loc = ld_loc_of(ld, c);
			ld_get(ld, c, "cores", 1, ld_p_int, &nd->cores);
			if (ld_get(ld, c, "memory", 1, ld_p_bytes, &nd->memory) == 1 && nd->memory <= 0)
				ld_err_at(ld, c, "memory", "expected a positive size", NULL, NULL);
		} else if (ld_is_el(c, "distances")) {
			dist = c;
		} else if (ld_is_el(c, "nic")) {
			struct scn_nic *k = &mc->nic[mc->nnics++];
			k->name = ld_dupattr(ld, c, "name");
			if (ld_get(ld, c, "rate", 1, ld_p_bitrate, &k->rate) == 1 &&
			    !(k->rate >= LIM_BYTERATE_MIN && k->rate <= LIM_BYTERATE_MAX))
				ld_range_err(ld, c, "rate", byterate_why);
		} else if (ld_is_el(c, "disk")) {
			struct scn_disk *k = &mc->disk[mc->ndisks++];
			k->name = ld_dupattr(ld, c, "name");
			ld_get(ld, c, "size", 0, ld_p_bytes, &k->size);
			if (ld_get(ld, c, "transfer", 1, ld_p_bitrate, &k->transfer) == 1 &&
			    !(k->transfer >= LIM_BYTERATE_MIN && k->transfer <= LIM_BYTERATE_MAX))
				ld_range_err(ld, c, "transfer", byterate_why);
			ld_get(ld, c, "seek", 1, ld_p_time, &k->seek);
			ld_get(ld, c, "rpm", 0, ld_p_number, &k->rpm);
			if (k->rpm != 0 && !(k->rpm >= 1 && k->rpm <= LIM_RPM_MAX))
				ld_range_err(ld, c, "rpm", "0 (no rotational delay) or a speed from 1 to 1000000 rpm");
		}
	}
	if (!BAD(ld) && scn_ncpus(mc) > SCN_MAX_CPUS) {
		char got[32];
		snprintf(got, sizeof got, "%d", scn_ncpus(mc));
		ld_err_at(ld, m, NULL, "expected at most " SCN_STR(SCN_MAX_CPUS) " cores in all", got, "");
	}
	for (int i = 0; i < nn && !BAD(ld); i++)
		if (!seen[i]) {
			char why[80];
			snprintf(why, sizeof why, "<node id=\"%d\"> (ids run from 0 to %d)", i, nn - 1);
			ld_err_at(ld, m, NULL, "expected ", NULL, why);
		}

	if (!dist && nn > 1)
		ld_err_at(ld, m, NULL, "expected a <distances> matrix for a machine with more than one node",
		       NULL, NULL);
	if (!dist) {
		for (int i = 0; i < nn; i++) {
			mc->read[i * nn + i] = 1;
			mc->write[i * nn + i] = 1;
		}
	}
	for (xmlNodePtr r = dist ? ld_next_el(dist->children) : NULL; r; r = ld_next_el(r->next)) {
		int id = -1;
		if (ld_get(ld, r, "node", 1, ld_p_int, &id) != 1)
			continue;
		if (id >= nn) {
			char got[32];
			snprintf(got, sizeof got, "%d", id);
			ld_err_at(ld, r, "node", "expected an existing node id", got, "");
			continue;
		}
		rowseen[id] = 1;
		int *hops = NULL;
		double *rd = NULL, *wr = NULL;
		int nh = ld_get_list(ld, r, "hops", sizeof(int), ld_p_int, (void **)&hops);
		int nr = ld_get_list(ld, r, "read", sizeof(double), ld_p_number, (void **)&rd);
		int nw = ld_get_list(ld, r, "write", sizeof(double), ld_p_number, (void **)&wr);
		const char *names[3] = { "hops", "read", "write" };
		int counts[3] = { nh, nr, nw };
		for (int k = 0; k < 3; k++)
			if (counts[k] >= 0 && counts[k] != nn && !(k == 2 && counts[k] == 0)) {
				char got[48], why[64];
				snprintf(got, sizeof got, "%d", counts[k]);
				snprintf(why, sizeof why, "%d entries, one per node", nn);
				ld_err_at(ld, r, names[k], "expected ", got, why);
				counts[k] = -1;
			}
		if (counts[0] == nn && counts[1] == nn && counts[2] >= 0) {
			for (int j = 0; j < nn; j++) {
				mc->hops[id * nn + j] = hops[j];
				mc->read[id * nn + j] = rd[j];
				mc->write[id * nn + j] = nw ? wr[j] : rd[j];
				if ((j == id) != (hops[j] == 0))
					ld_err_at(ld, r, "hops", "expected 0 hops to the node itself and at least 1 to others",
					       NULL, NULL);
				if (rd[j] <= 0 || (nw && wr[j] <= 0))
					ld_err_at(ld, r, NULL, "expected positive relative access times", NULL, NULL);
			}
		}
		free(hops);
		free(rd);
		free(wr);
	}
	for (int i = 0; dist && i < nn && !BAD(ld); i++) {
		if (!rowseen[i]) {
			char why[64];
			snprintf(why, sizeof why, "a <row node=\"%d\">, one row per node", i);
			ld_err_at(ld, dist, NULL, "expected ", NULL, why);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (mc->hops[i * nn + j] != mc->hops[j * nn + i]) {
				char why[96];
				snprintf(why, sizeof why, "symmetric hop counts: node %d->%d is %d, %d->%d is %d", i,
					 j, mc->hops[i * nn + j], j, i, mc->hops[j * nn + i]);
				ld_err_at(ld, dist, NULL, "expected ", NULL, why);
			}
	}
	free(seen);
	free(rowseen);
}

/* ---------------------------------------------------- the hypervisor --- */

int ld_p_work(const char *s, void *o, const char **w);

/* Long: <hypervisor>'s children in schema order, each checked where it is
** read. */
void ld_read_hypervisor(struct ld *ld, xmlNodePtr h)
{
	struct scn_hypervisor *hv = &ld->s->hv;
	hv->name = ld_dupattr(ld, h, "name");
	hv->kind = ld_dupattr(ld, h, "kind");
	hv->loc = ld_loc_of(ld, h);
	if (!hv->name || !hv->kind)
		return;
	struct scn_costs *k = &hv->costs;
	k->cpu_factor = 1;
	k->refill_overlap = 4;
	xmlNodePtr kc = ld_child(h, "costs");
	if (kc) {
		double fo[2] = { ld->s->machine.freq, 0 };
		if (ld_get(ld, kc, "world-switch", 0, ld_p_work, fo) == 1)
			k->world_switch = fo[1];
		if (ld_get(ld, kc, "host-switch", 0, ld_p_work, fo) == 1)
			k->host_switch = fo[1];
		if (ld_get(ld, kc, "cpu-factor", 0, ld_p_number, &k->cpu_factor) == 1 &&
		    (k->cpu_factor <= 0 || k->cpu_factor > 10))
			ld_err_at(ld, kc, "cpu-factor", "expected a speed factor above 0 and at most 10", NULL, NULL);
		if (ld_get(ld, kc, "refill-overlap", 0, ld_p_number, &k->refill_overlap) == 1 && k->refill_overlap < 1)
			ld_err_at(ld, kc, "refill-overlap", "expected at least 1 miss in flight", NULL, NULL);
	}
	struct scn_io *io = &hv->io;
	int native = strcmp(hv->kind, "native") == 0;
	io->exit = native ? 0 : k->world_switch;
	io->irq_packets = 1;
	io->shadow = 1;
	io->shadow_lock_time = 1000 * 1000;   /* 1 ms: see docs/workloads.md */
	io->irq_cpu = -2;
	xmlNodePtr xi = ld_child(h, "io");
	if (xi) {
		/* [open] which pCPU takes the host's device interrupts: "woken"
		** (default) the woken thread's own last pCPU, i.e. no pull
		** towards an interrupt pCPU; or a pCPU id (2.6.2x physflat mode
		** routes every IO-APIC interrupt to the first online CPU;
		** irqbalance moves each IRQ to a CPU of its choice) */
		const char *ic = ld_attr(xi, "irq-cpu");
		if (ic && strcmp(ic, "woken") != 0) {
			const char *why;
			int cpu;
			if (units_int(ic, &cpu, &why) || cpu < 0 ||
			    (scn_ncpus(&ld->s->machine) > 0 && cpu >= scn_ncpus(&ld->s->machine)))
				ld_err_at(ld, xi, "irq-cpu", "expected 'woken' or a pCPU of the machine", ic, "");
			else
				io->irq_cpu = cpu;
		}
		static const struct { const char *an; size_t off; } counts[] = {
			{ "exits-tx-packet", offsetof(struct scn_io, exits_tx) },
			{ "exits-rx-packet", offsetof(struct scn_io, exits_rx) },
			{ "exits-interrupt", offsetof(struct scn_io, exits_irq) },
			{ "exits-disk", offsetof(struct scn_io, exits_disk) },
			{ "exits-timer", offsetof(struct scn_io, exits_timer) },
		};
		double fo[2] = { ld->s->machine.freq, 0 };
		io->loc = ld_loc_of(ld, xi);
		/* The emulated NIC's exits, from the 2.6.21 guest drivers
		** (docs/sources.md sec. 5) [derived]: rtl8139 writes TSD/TSAD per
		** sent packet and reads/acks ISR per interrupt; e1000 one TDT
		** write per transmit call and ~5 register accesses per
		** interrupt, with interrupt moderation (ITR) batching ~4 packets
		** [open]; pcnet (VirtualBox's PCnet-FAST III) a CSR0 poke per
		** packet and ~4 accesses per interrupt [open].  Explicit
		** attributes override the preset. */
		const char *nic = ld_attr(xi, "nic");
		if (nic) {
			static const struct { const char *name; double tx, rx, irq, per_irq; } nics[] = {
				{ "rtl8139", 3, 2, 3, 1 },
				{ "e1000", 1, 0, 5, 4 },
				{ "pcnet", 2, 1, 4, 1 },
			};
			for (size_t i = 0; i < sizeof nics / sizeof nics[0]; i++)
				if (strcmp(nic, nics[i].name) == 0) {
					io->exits_tx = nics[i].tx;
					io->exits_rx = nics[i].rx;
					io->exits_irq = nics[i].irq;
					io->irq_packets = nics[i].per_irq;
				}
		}
		if (ld_get(ld, xi, "exit", 0, ld_p_work, fo) == 1)
			io->exit = fo[1];
		for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
			ld_get(ld, xi, counts[i].an, 0, ld_p_nonneg, (char *)io + counts[i].off);
		if (ld_get(ld, xi, "emu-packet", 0, ld_p_work, fo) == 1)
			io->emu_packet = fo[1];
		if (ld_get(ld, xi, "emu-disk", 0, ld_p_work, fo) == 1)
			io->emu_disk = fo[1];
		if (ld_get(ld, xi, "interrupt-packets", 0, ld_p_nonneg, &io->irq_packets) == 1 && io->irq_packets < 1)
			ld_err_at(ld, xi, "interrupt-packets", "expected at least 1 packet per interrupt", NULL, NULL);
		if (ld_get(ld, xi, "shadow", 0, ld_p_nonneg, &io->shadow) == 1 && (io->shadow < 1 || io->shadow > 100))
			ld_err_at(ld, xi, "shadow", "expected a work multiplier from 1 to 100", NULL, NULL);
		if (ld_get(ld, xi, "shadow-lock", 0, ld_units_fraction_p, &io->shadow_lock) == 1 && io->shadow_lock > 1)
			ld_err_at(ld, xi, "shadow-lock", "expected a share from 0 to 1 (or 0% to 100%)", NULL, NULL);
		if (ld_get(ld, xi, "shadow-lock-time", 0, ld_p_time, &io->shadow_lock_time) == 1 &&
		    io->shadow_lock_time < 100)
			ld_err_at(ld, xi, "shadow-lock-time", "expected a mean section of at least 100ns", NULL, NULL);
		/* Xen 3.3 HVM (xen/arch/x86/hvm/emulate.c hvmemul_do_io, hvm.c
		** hvm_send_assist_req and hvm_do_resume): an access that qemu-dm
		** emulates blocks its VCPU until the answer (docs/workloads.md) */
		const char *iw = ld_attr(xi, "ioreq-wait");
		if (iw) {
			io->ioreq_wait = ld_bool(iw);
			if (io->ioreq_wait && strcmp(hv->kind, "xen") != 0)
				ld_err_at(ld, xi, "ioreq-wait",
					  "expected it under kind=\"xen\" only (qemu-dm in Dom0 answers the VCPU's exits)",
					  NULL, NULL);
		}
		if (native && (io->exit > 0 || io->exits_tx > 0 || io->exits_rx > 0 || io->exits_irq > 0 ||
			       io->exits_disk > 0 || io->exits_timer > 0 || io->emu_packet > 0 || io->emu_disk > 0))
			ld_err_at(ld, xi, NULL,
			       "expected no exits and no emulation under kind=\"native\" (the bare machine)", NULL,
			       NULL);
	}
	xmlNodePtr co = ld_child(h, "coschedule");
	if (co) {
		const char *mode = ld_attr(co, "mode");
		hv->cosched.loc = ld_loc_of(ld, co);
		hv->cosched.mode = strcmp(mode, "strict") == 0 ? 1 : strcmp(mode, "relaxed") == 0 ? 2 : 0;
		hv->cosched.skew = 3 * 1000 * 1000;   /* ESX 3.x default skew threshold [open] */
		if (ld_get(ld, co, "skew", 0, ld_p_time, &hv->cosched.skew) == 1 && hv->cosched.mode != 2)
			ld_err_at(ld, co, "skew", "only used with mode=\"relaxed\"", NULL, NULL);
		if (hv->cosched.skew <= 0)
			ld_err_at(ld, co, "skew", "expected a positive time", NULL, NULL);
	}
	xmlNodePtr d0 = ld_child(h, "dom0");
	if (d0) {
		hv->dom0.weight = 256;
		/* as a <vm>'s: 2147483647 Dom0 VCPUs asked for 343 GB */
		if (ld_get(ld, d0, "vcpus", 1, ld_p_int, &hv->dom0.vcpus) == 1 && hv->dom0.vcpus > SCN_MAX_CPUS)
			ld_err_at(ld, d0, "vcpus", "expected at most " SCN_STR(SCN_MAX_CPUS) " VCPUs",
				  ld_attr(d0, "vcpus"), "");
		ld_get(ld, d0, "weight", 0, ld_p_int, &hv->dom0.weight);
		if (strcmp(hv->kind, "xen") != 0)
			ld_err_at(ld, d0, NULL, "expected <dom0> only in a hypervisor of kind=\"xen\"", NULL, NULL);
	}
	xmlNodePtr p = ld_child(h, "policy");
	if (!p)
		return;
	hv->policy.name = ld_dupattr(ld, p, "name");
	hv->policy.loc = ld_loc_attr(ld, p, "name");
	int n = 0;
	for (xmlAttrPtr a = p->properties; a; a = a->next)
		n++;
	hv->policy.param = ld_mem(ld, calloc((size_t)n + 1, sizeof *hv->policy.param));
	for (xmlAttrPtr a = p->properties; a && hv->policy.param; a = a->next) {
		if (strcmp((const char *)a->name, "name") == 0)
			continue;
		struct scn_param *q = &hv->policy.param[hv->policy.nparam++];
		q->key = ld_mem(ld, strdup((const char *)a->name));
		q->value = ld_mem(ld, strdup(a->children && a->children->content ? (const char *)a->children->content
									   : ""));
		if (!q->key || !q->value)
			return;
		q->loc = ld_loc_attr(ld, p, q->key);
	}
}

