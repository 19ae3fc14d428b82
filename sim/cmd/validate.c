/*
** hvsim validate FILE.xml: check a scenario, or a machine or hypervisor
** profile, and print what would run.
*/
#include "sim/cmd/cmd.h"
#include "models/machine.h"
#include "models/sched.h"
#include "models/world.h"
#include "sim/drive/sweep.h"
#include "sim/engine/units.h"
#include "sim/scenario/dist.h"

#include <string.h>

static void describe_policy(const struct scn_policy *p, FILE *f)
{
	const struct sched_ops *ops = sched_lookup(p->name);
	fprintf(f, "policy %s: %s\n  follows: %s\n", ops->name, ops->summary, ops->source);
	for (const struct sched_param_def *d = ops->params; d && d->name; d++) {
		const char *v = d->def, *how = "default";
		for (int i = 0; i < p->nparam; i++)
			if (strcmp(p->param[i].key, d->name) == 0)
				v = p->param[i].value, how = "set";
		fprintf(f, "  %s = %s (%s) - %s\n", d->name, v, how, d->help);
	}
}

static void describe_workload(const struct scn_workload *wl, const struct scenario *s, const char *what, FILE *f)
{
	double ms = 1e3 / s->machine.freq;   /* cycles -> ms */
	const struct scn_micro *mc = &wl->micro;
	const struct scn_specweb *sw = &wl->specweb;
	switch (wl->kind) {
	case WL_ACTIVITY:
		fprintf(f, "%s %s: replay of the activity trace %s%s\n", what, wl->name, wl->trace,
			wl->loop ? ", looped" : "");
		return;
	case WL_THREADS:
		fprintf(f, "%s %s: host threads of the thread model %s (recorded demand and sleeps, resampled)\n",
			what, wl->name, wl->trace);
		return;
	case WL_REQUESTS:
		fprintf(f, "%s %s: open-loop replay of the request trace %s at %gx%s\n", what, wl->name, wl->trace,
			wl->speed, wl->loop ? ", looped" : "");
		return;
	case WL_SPECWEB:
		fprintf(f,
			"%s %s: SPECweb2005 E-commerce, %d sessions over %d connections each, line %g B/s; "
			"dynamic page %.4g ms, image %.4g ms, BeSim %.4g ms, SSL handshake %.4g ms (at %g GHz), "
			"file set %.4g MiB, %.4g MiB a session\n",
			what, wl->name, wl->users, sw->conns, sw->link_rate, sw->page_cycles * ms,
			sw->image_cycles * ms, (double)sw->besim / 1e6, sw->ssl_handshake * ms, s->machine.freq / 1e9,
			sw->fileset / (1 << 20), sw->session_memory / (1 << 20));
		return;
	case WL_BZIP2:
		fprintf(f, "%s %s: bzip2 of a %.4g MB file%s, %g cycles a byte\n", what, wl->name, mc->size / 1e6,
			mc->cached ? " (cached)" : "", mc->cycles_per_byte);
		return;
	case WL_NETPERF:
		fprintf(f, "%s %s: netperf TCP_STREAM for %g s, %g-byte messages, %g bytes in flight\n", what,
			wl->name, (double)mc->duration / 1e9, mc->block, mc->window);
		return;
	case WL_DD:
		fprintf(f, "%s %s: dd copy of a %.4g MB file in %g-byte blocks\n", what, wl->name, mc->size / 1e6,
			mc->block);
		return;
	case WL_BURST:
		break;
	}
	fprintf(f, "%s %s: CPU bursts, ", what, wl->name);
	if (wl->closed)
		fprintf(f, "%d closed users, think %s mean %.6g s", wl->users, dist_name(&wl->think),
			dist_mean(&wl->think) / 1e9);
	else
		fprintf(f, "open Poisson arrivals at %.6g/s", wl->rate);
	fprintf(f, ", demand %s mean %.6g s (%.4g Mcycles)\n", dist_name(&wl->demand),
		dist_mean(&wl->demand) / s->machine.freq, dist_mean(&wl->demand) / 1e6);
}

static void describe(const struct scenario *s, const struct world *w, FILE *f)
{
	char a[32], b[32];
	fprintf(f, "scenario %s (%s), seed %llu\n", s->name, s->file, (unsigned long long)s->seed);
	fprintf(f, "run %s, warm-up %s, %d batches for confidence intervals\n",
		units_fmt_time(s->duration, a, sizeof a), units_fmt_time(s->warmup, b, sizeof b), s->batches);
	if (s->sweep.present) {
		fprintf(f, "sweep: %d points, mode %s (hvsim sweep); the first <vary> outermost:\n", s->sweep.npoints,
			s->sweep.mode == SWEEP_CAPACITY ? "capacity" : "run");
		for (int k = 0; k < s->sweep.nvary; k++) {
			fprintf(f, "  %s:", s->sweep.vary[k].key);
			for (int i = 0; i < s->sweep.vary[k].nvalues; i++)
				fprintf(f, " %s", s->sweep.vary[k].values[i]);
			fputc('\n', f);
		}
	}
	machine_describe(&w->mach, f);
	fprintf(f, "hypervisor %s (%s)\n", s->hv.name, s->hv.kind);
	describe_policy(&s->hv.policy, f);
	const struct scn_costs *k = &s->hv.costs;
	fprintf(f, "  costs: world switch %.0f cycles, host switch %.0f cycles, CPU factor %.3g, refill overlap %.3g\n",
		k->world_switch, k->host_switch, k->cpu_factor, k->refill_overlap);
	const struct scn_io *io = &s->hv.io;
	if (io->exit > 0 || io->emu_packet > 0 || io->emu_disk > 0 || io->shadow > 1)
		fprintf(f,
			"  I/O: exit %.0f cycles; exits %.3g per sent packet, %.3g per received, %.3g per interrupt "
			"(%.3g packets each), %.3g per disk request, %.3g per timer tick; device model %.0f cycles "
			"a packet, %.0f a disk request; shadow paging x%.3g on MMU-heavy kernel work\n",
			io->exit, io->exits_tx, io->exits_rx, io->exits_irq, io->irq_packets, io->exits_disk,
			io->exits_timer, io->emu_packet, io->emu_disk, io->shadow);
	if (io->shadow_lock > 0)
		fprintf(f, "  shadow lock: %.3g of the shadow work under one lock per VM, sections of %s\n", io->shadow_lock,
			units_fmt_time(io->shadow_lock_time, a, sizeof a));
	if (io->ioreq_wait)
		fprintf(f, "  ioreq wait: a VCPU that exits to the device model waits, blocked, for its answer\n");
	if (s->hv.cosched.mode)
		fprintf(f, "  co-scheduling: %s%s%s\n", s->hv.cosched.mode == 1 ? "strict" : "relaxed, skew ",
			s->hv.cosched.mode == 1 ? "" : units_fmt_time(s->hv.cosched.skew, a, sizeof a), "");
	if (s->hv.dom0.vcpus)
		fprintf(f, "  Dom0: %d VCPUs, weight %d\n", s->hv.dom0.vcpus, s->hv.dom0.weight);
	if (s->ideal) {
		fprintf(f, "counterfactual: removes");
		for (int c = 0; c < SCN_IDEAL_N; c++)
			if ((s->ideal >> c) & 1)
				fprintf(f, " %s (%s)%s", scn_ideal_name(c), scn_ideal_what(c),
					(s->ideal >> (c + 1)) ? "," : "");
		fputc('\n', f);
	}
	for (int i = 0; i < s->nworkloads; i++)
		describe_workload(&s->workload[i], s, "host workload", f);
	static const char *const place[] = { "first-touch", "interleave", "bound" };
	for (int i = 0; i < s->nvms; i++) {
		const struct scn_vm *v = &s->vm[i];
		fprintf(f, "vm %s", v->name);
		if (v->count > 1)
			fprintf(f, " x%d (%s1..%s%d)", v->count, v->name, v->name, v->count);
		fprintf(f, ": %d VCPU%s, %.4g GiB, memory %s", v->vcpus, v->vcpus > 1 ? "s" : "",
			v->memory / (1 << 30), place[v->placement]);
		if (v->placement == PLACE_BOUND)
			fprintf(f, v->node >= 0 ? " to node %d" : " to node (VM number mod nodes)", v->node);
		fprintf(f, ", weight %d, cap %d, nice %d", v->weight, v->cap, v->nice);
		if (v->npin) {
			fprintf(f, ", pinned to");
			for (int p = 0; p < v->npin; p++)
				fprintf(f, "%s%d", p ? "," : " ", v->pin[p]);
		}
		fprintf(f, ", memory stalls %.3g, working set %.4g KiB", v->mem_share, v->wss / 1024);
		if (v->guest.lock_hold > 0)
			fprintf(f, ", guest lock held %.3g%% (%s sections)", 100 * v->guest.lock_hold,
				units_fmt_time(v->guest.lock_time, a, sizeof a));
		if (v->guest.timeslice > 0)
			fprintf(f, ", guest time slice %s a VCPU", units_fmt_time(v->guest.timeslice, a, sizeof a));
		fputc('\n', f);
		for (int j = 0; j < v->nworkloads; j++)
			describe_workload(&v->workload[j], s, "  workload", f);
	}
}

int cmd_validate(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	const char *file = a->operand[0];
	struct scenario s;
	struct diag d = { 0 };
	int rc = 0;
	if (scn_load(&s, file, a->ov, a->nov, 1, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		return EXIT_USAGE;
	}
	/* what would run, printed only once everything checked: a scenario
	** whose sweep point fails prints its errors and nothing on stdout */
	char *plan = NULL;
	size_t plen = 0;
	FILE *f = open_memstream(&plan, &plen);
	if (!f) {
		fprintf(stderr, "hvsim validate: out of memory\n");
		scn_free(&s);
		return EXIT_RUNFAIL;
	}
	if (s.nworkloads == 0 && s.hv.name == NULL) {
		/* a machine profile */
		struct machine m;
		if (machine_build(&m, &s.machine) == 0)
			machine_describe(&m, f);
		machine_free(&m);
	} else if (s.machine.name == NULL) {
		/* a hypervisor profile */
		if (sched_check(&s.hv.policy, &d) == 0) {
			fprintf(f, "hypervisor %s (%s)\n", s.hv.name, s.hv.kind);
			describe_policy(&s.hv.policy, f);
		} else {
			rc = EXIT_USAGE;
		}
	} else {
		struct world w;
		if (world_build(&w, &s, &d) == 0)
			describe(&s, &w, f);
		else
			rc = EXIT_USAGE;
		world_free(&w);
		/* every point of its <sweep>, as hvsim sweep loads them */
		struct sweep_args sa = { .file = file, .ov = a->ov, .nov = a->nov };
		if (rc == 0 && s.sweep.present && sweep_check(&sa, &s.sweep, &d))
			rc = EXIT_USAGE;
	}
	fclose(f);
	diag_print(&d, stderr);
	diag_free(&d);
	if (rc == 0) {
		fwrite(plan, 1, plen, stdout);
		printf("%s: valid\n", file);
	}
	free(plan);
	scn_free(&s);
	return rc;
}
