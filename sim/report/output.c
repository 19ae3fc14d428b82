/*
** Run outputs (see output.h): summary.json and the CSVs of a run.  The
** output directory's staging and commit: outdir.c.  Numbers are printed with %.9g so that the
** same run prints the same bytes; wall-clock figures sit on lines of
** their own ("wall_...") so determinism checks can skip them.
*/
#include "sim/report/output.h"
#include "models/io.h"
#include "models/workload.h"
#include "models/wl_micro.h"
#include "models/wl_requests.h"
#include "models/wl_specweb.h"
#include "models/vm.h"
#include "models/wl_activity.h"
#include "models/wl_burst.h"
#include "sim/scenario/dist.h"
#include "sim/report/timeline.h"
#include "traces/csv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---------------------------------------------------------------- json */

void out_json_chars(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	out_json_chars(f, s);
	fputc('"', f);
}

static void jnum(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.9g", x);
	else
		fputs("null", f);
}

static void jci(FILE *f, const char *key, struct ci c)
{
	fprintf(f, "\"%s\": ", key);
	jnum(f, c.mean);
	fprintf(f, ", \"%s_ci\": [", key);
	if (c.ok) {
		jnum(f, c.lo);
		fputs(", ", f);
		jnum(f, c.hi);
	}
	fputs("]", f);
}

static void json_vms(FILE *f, const struct world *w);

/* QoS over every workload in a VM, the SPECweb workloads and the
** microbenchmarks. */
static void json_extra(FILE *f, const struct world *w)
{
	struct qos_count q = world_qos_sum(w, NULL);
	int nsrc = 0;
	for (int i = 0; i < w->nqos; i++)
		nsrc += w->qos[i].vm != NULL;
	if (nsrc)
		fprintf(f, ",\n  \"qos\": {\"pages\": %llu, \"good_pct\": %.4f, \"tolerable_pct\": %.4f, \"pass\": %d}",
		(unsigned long long)q.n, qos_good_pct(&q), qos_tolerable_pct(&q), qos_pass(&q, &w->scn->qos));
	const struct wlset *s = w->wl;
	fputs(",\n  \"specweb\": [", f);
	for (int i = 0; s && i < s->nweb; i++) {
		const struct wl_specweb *ws = s->web[i];
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, ws->name);
		fprintf(f, ", \"users\": %d, \"pages\": %llu, ", ws->nusers, (unsigned long long)ws->qos.n);
		jci(f, "pages_per_s", tally_rate(&ws->resp));
		fputs(", ", f);
		jci(f, "response_mean_s", tally_mean(&ws->resp));
		fprintf(f, ", \"good_pct\": %.4f, \"tolerable_pct\": %.4f, \"pass\": %d, \"cache_hit\": %.4f}",
			qos_good_pct(&ws->qos), qos_tolerable_pct(&ws->qos), qos_pass(&ws->qos, &w->scn->qos), ws->hit);
	}
	fputs("\n  ],\n  \"micro\": [", f);
	for (int i = 0; s && i < s->nmicro; i++) {
		const struct micro *mb = s->micro[i];
		int fin;
		double v = micro_metric(mb, &fin);
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, mb->name);
		fputs(", \"value\": ", f);
		jnum(f, v);
		fprintf(f, ", \"unit\": \"%s\", \"finished\": %d}", micro_unit(mb), fin);
	}
	fputs("\n  ]", f);
}

static void write_specweb(FILE *f, const struct world *w)
{
	wl_specweb_header(f);
	for (int i = 0; w->wl && i < w->wl->nweb; i++)
		wl_specweb_row(w->wl->web[i], f);
}

static void write_tail(FILE *f, const struct world *w)
{
	wl_specweb_tail_header(f);
	for (int i = 0; w->wl && i < w->wl->nweb; i++)
		wl_specweb_tail_rows(w->wl->web[i], f);
}

static void write_micro(FILE *f, const struct world *w)
{
	micro_header(f);
	for (int i = 0; w->wl && i < w->wl->nmicro; i++)
		micro_row(w->wl->micro[i], f);
}

static void write_requests(FILE *f, const struct world *w)
{
	wl_requests_header(f);
	for (int i = 0; w->wl && i < w->wl->nreq; i++)
		wl_requests_row(w->wl->req[i], f);
}

static void write_devices(FILE *f, const struct world *w)
{
	io_write_devices(w, f);
}

/* The produced SPECweb page mix against the kit's expected mix. */
static void write_pages(FILE *f, const struct world *w)
{
	uint64_t n[SPECWEB_NPAGES] = { 0 }, tot = 0;
	for (int i = 0; w->wl && i < w->wl->nweb; i++)
		for (int k = 0; k < SPECWEB_NPAGES; k++) {
			n[k] += w->wl->web[i]->pages[k];
			tot += w->wl->web[i]->pages[k];
		}
	fputs("page,ssl,expected_pct,produced_pct,pages\n", f);
	for (int k = 0; k < SPECWEB_NPAGES; k++)
		fprintf(f, "%s,%d,%.4f,%.4f,%llu\n", specweb_pages[k].name, specweb_pages[k].ssl,
			specweb_pages[k].expected_pct, tot ? 100.0 * (double)n[k] / (double)tot : 0,
			(unsigned long long)n[k]);
}

int out_retitle_summary(struct outdir *o, const char *name, const char *file)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/summary.json", o->stage);
	size_t len = 0;
	char *old = out_slurp(path, &len);
	if (!old)
		return errno == ENOENT ? 0 : -1;
	/* lines 3 and 4, as write_summary puts them */
	char *l3 = strchr(old, '\n');
	l3 = l3 ? strchr(l3 + 1, '\n') : NULL;
	char *l4 = l3 ? strchr(l3 + 1, '\n') : NULL;
	char *l5 = l4 ? strchr(l4 + 1, '\n') : NULL;
	if (!l5 || strncmp(l3 + 1, "  \"scenario\": ", 14) != 0 || strncmp(l4 + 1, "  \"scenario_file\": ", 19) != 0) {
		free(old);
		return 0;   /* not write_summary's: left as it is */
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		free(old);
		return -1;
	}
	fwrite(old, 1, (size_t)(l3 + 1 - old), f);
	fputs("  \"scenario\": ", f);
	jstr(f, name);
	fputs(",\n  \"scenario_file\": ", f);
	jstr(f, file);
	fputs(",", f);
	fwrite(l5, 1, len - (size_t)(l5 - old), f);
	free(old);
	return (ferror(f) | fclose(f)) ? -1 : 0;
}

static void write_summary(FILE *f, const struct world *w)
{
	const struct scenario *s = w->scn;
	double measured = (double)(w->batches.t1 - w->batches.t0) / 1e9;
	fprintf(f, "{\n  \"hvsim_version\": \"%s\",\n  \"scenario\": ", HVSIM_VERSION);
	jstr(f, s->name);
	fputs(",\n  \"scenario_file\": ", f);
	jstr(f, s->file);
	fprintf(f, ",\n  \"seed\": %llu,\n  \"machine\": ", (unsigned long long)s->seed);
	jstr(f, s->machine.name);
	fputs(",\n  \"hypervisor\": ", f);
	jstr(f, s->hv.name);
	fputs(",\n  \"policy\": ", f);
	jstr(f, w->sched.ops->name);
	fprintf(f, ",\n  \"pcpus_total\": %d,\n  \"nodes\": %d", w->mach.ncpus, w->mach.nnodes);
	fprintf(f, ",\n  \"simulated_s\": %.9g,\n  \"warmup_s\": %.9g,\n  \"measured_s\": %.9g",
		(double)s->duration / 1e9, (double)s->warmup / 1e9, measured);
	fprintf(f, ",\n  \"batches\": %d,\n  \"events\": %llu", s->batches, (unsigned long long)w->events);
	fprintf(f, ",\n  \"wall_s\": %.6f", w->wall);
	fprintf(f, ",\n  \"wall_events_per_s\": %.0f", w->wall > 0 ? (double)w->events / w->wall : 0);
	fprintf(f, ",\n  \"wall_simulated_s_per_s\": %.1f", w->wall > 0 ? (double)s->duration / 1e9 / w->wall : 0);
	fputs(",\n  \"workloads\": [", f);
	for (int i = 0; i < w->nburst; i++) {
		const struct burst *b = w->burst[i];
		const struct scn_workload *c = b->cfg;
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, b->name);
		fputs(", \"vm\": ", f);
		jstr(f, b->vm ? b->vm->name : "");
		fprintf(f, ", \"kind\": \"burst\", \"arrivals\": \"%s\"", c->closed ? "closed" : "open");
		if (c->closed)
			fprintf(f, ", \"users\": %d, \"think_mean_s\": %.9g", c->users, dist_mean(&c->think) / 1e9);
		else
			fprintf(f, ", \"rate_per_s\": %.9g", c->rate);
		fprintf(f, ", \"demand\": \"%s\", \"demand_mean_s\": %.9g", dist_name(&c->demand),
			dist_mean(&c->demand) / (s->machine.freq));
		fprintf(f, ",\n     \"completed\": %.0f, ", b->resp.tot_cnt);
		jci(f, "throughput_per_s", tally_rate(&b->resp));
		fputs(", ", f);
		jci(f, "response_mean_s", tally_mean(&b->resp));
		fputs(", \"response_max_s\": ", f);
		jnum(f, b->resp.tot_cnt > 0 ? b->resp.max : 0);
		fputs(", \"mean_jobs\": ", f);
		jnum(f, burst_mean_jobs(b));
		fputs("}", f);
	}
	fputs("\n  ],\n  \"pcpus\": [", f);
	for (int i = 0; i < w->sched.ncpus; i++) {
		const struct cpu *c = &w->sched.cpu[i];
		fprintf(f,
			"%s\n    {\"cpu\": %d, \"node\": %d, \"util\": %.9g, \"switches\": %llu, \"overhead_s\": %.9g, "
			"\"switch_s\": %.9g, \"refill_s\": %.9g, \"migrate_refill_s\": %.9g, \"remote_refill_s\": %.9g}",
			i ? "," : "", c->id, c->node, measured > 0 ? (double)c->t_busy / 1e9 / measured : 0,
			(unsigned long long)c->nswitch, (double)c->t_overhead / 1e9, (double)c->t_switch / 1e9,
			(double)c->t_refill / 1e9, (double)c->t_migrate / 1e9, (double)c->t_remote / 1e9);
	}
	fputs("\n  ]", f);
	json_vms(f, w);
	json_extra(f, w);
	fputs("\n}\n", f);
}

static void write_pcpus(FILE *f, const struct world *w)
{
	double measured = (double)(w->batches.t1 - w->batches.t0) / 1e9;
	fputs("cpu,node,util,busy_s,overhead_s,switches,switch_s,refill_s,migrate_refill_s,remote_refill_s\n", f);
	for (int i = 0; i < w->sched.ncpus; i++) {
		const struct cpu *c = &w->sched.cpu[i];
		fprintf(f, "%d,%d,%.9g,%.9g,%.9g,%llu,%.9g,%.9g,%.9g,%.9g\n", c->id, c->node,
			measured > 0 ? (double)c->t_busy / 1e9 / measured : 0, (double)c->t_busy / 1e9,
			(double)c->t_overhead / 1e9, (unsigned long long)c->nswitch, (double)c->t_switch / 1e9,
			(double)c->t_refill / 1e9, (double)c->t_migrate / 1e9, (double)c->t_remote / 1e9);
	}
}

static void write_workloads(FILE *f, const struct world *w)
{
	fputs("workload,vm,kind,arrivals,users,rate_per_s,completed,throughput_per_s,throughput_ci_low,"
	      "throughput_ci_high,response_mean_s,response_ci_low,response_ci_high,response_max_s,mean_jobs\n",
	      f);
	for (int i = 0; i < w->nburst; i++) {
		const struct burst *b = w->burst[i];
		struct ci x = tally_rate(&b->resp), r = tally_mean(&b->resp);
		fprintf(f, "%s,%s,burst,%s,%d,%.9g,%.0f,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", b->name,
			b->vm ? b->vm->name : "",
			b->cfg->closed ? "closed" : "open", b->cfg->closed ? b->cfg->users : 0,
			b->cfg->closed ? 0 : b->cfg->rate, b->resp.tot_cnt, x.mean, x.lo, x.hi, r.mean, r.lo, r.hi,
			b->resp.tot_cnt > 0 ? b->resp.max : 0, burst_mean_jobs(b));
	}
}

/* A VM's VCPUs' accounting summed.  steal = ready time (runnable, not
** running) over run + ready time. */
struct vm_sum {
	int64_t run, ready, blocked, ovh, spin;
	int64_t sw, refill, migr, rref;     /* overhead_s split (models/mux.c) */
	uint64_t disp, mig;
	double remote, stall;
};

/* Seconds of e's run time lost to remote memory: the part of its time
** on a pCPU of another node than its memory that it would not have
** spent with local memory.  At a relative read time r a memory-stall
** share m of the work runs at 1 / ((1 - m) + m r) of the local speed
** (models/mux.c), so a fraction m (r - 1) / ((1 - m) + m r) of remote
** time is the extra stall.  Which remote node is not recorded, so r is
** the mean over the other nodes of their read time to e's memory (exact
** on two nodes or when the remote nodes are equally far); interleaved
** memory is remote from every pCPU, at the mean of the matrix.  Under
** <ideal remove="numa"> no access is slower than local: 0. */
static double remote_stall_s(const struct world *w, const struct entity *e)
{
	const struct machine *m = &w->mach;
	double ms = e->mem_share;
	if (ms <= 0 || m->nnodes <= 1 || e->mem_node == MEM_UNPLACED || world_ideal(w, SCN_IDEAL_NUMA))
		return 0;
	double r = 0, t;
	if (e->mem_node >= 0) {
		for (int b = 0; b < m->nnodes; b++)
			if (b != e->mem_node)
				r += machine_read(m, b, e->mem_node);
		r /= m->nnodes - 1;
		t = e->remote_ns;
	} else {
		for (int a = 0; a < m->nnodes; a++)
			for (int b = 0; b < m->nnodes; b++)
				r += machine_read(m, a, b);
		r /= (double)m->nnodes * m->nnodes;
		t = (double)e->t_run;
	}
	return t / 1e9 * ms * (r - 1) / ((1 - ms) + ms * r);
}

static struct vm_sum vm_sum(const struct world *w, const struct vm *vm)
{
	struct vm_sum t = { 0 };
	for (int k = 0; k < vm->nvcpus; k++) {
		const struct entity *e = vm->vcpu[k];
		t.run += e->t_run;
		t.ready += e->t_ready;
		t.blocked += e->t_blocked;
		t.ovh += e->t_overhead;
		t.sw += e->t_switch;
		t.refill += e->t_refill;
		t.migr += e->t_migrate;
		t.rref += e->t_remote;
		t.spin += e->t_spin;
		t.disp += e->ndispatch;
		t.mig += e->nmigrate;
		t.remote += e->remote_ns;
		t.stall += remote_stall_s(w, e);
	}
	return t;
}

static double steal_pct(const struct vm_sum *t)
{
	return t->run + t->ready > 0 ? 100.0 * (double)t->ready / (double)(t->run + t->ready) : 0;
}

static void write_vms(FILE *f, const struct world *w)
{
	fputs("vm,kind,vcpus,mem_node,run_s,ready_s,blocked_s,overhead_s,spin_s,steal_pct,dispatches,"
	      "migrations,remote_share,jobs_done,lock_acquired,lock_contended,remote_stall_s,nic,switch_s,refill_s,"
	      "migrate_refill_s,remote_refill_s\n",
	      f);
	for (int i = 0; i < w->nvms; i++) {
		const struct vm *vm = &w->vms[i];
		struct vm_sum t = vm_sum(w, vm);
		fprintf(f, "%s,%s,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%llu,%llu,%.9g,%llu,%llu,%llu,%.9g,%d,%.9g,%.9g,%.9g,%.9g\n",
			vm->name,
			vm->cfg ? "guest" : "dom0", vm->nvcpus, vm->mem_node, (double)t.run / 1e9,
			(double)t.ready / 1e9, (double)t.blocked / 1e9, (double)t.ovh / 1e9, (double)t.spin / 1e9,
			steal_pct(&t), (unsigned long long)t.disp, (unsigned long long)t.mig,
			t.run > 0 ? t.remote / (double)t.run : 0, (unsigned long long)vm->jobs_done,
			(unsigned long long)vm->acquired[LK_GUEST], (unsigned long long)vm->contended[LK_GUEST], t.stall,
			vm->cfg && w->io ? io_nic_of(w, vm) : -1, (double)t.sw / 1e9, (double)t.refill / 1e9,
			(double)t.migr / 1e9, (double)t.rref / 1e9);
	}
}

/* vcpu, emt (a VirtualBox VM's one thread: guest and devices), qemu-io,
** dom0 (a Dom0 VCPU running qemu-dm and back ends). */
static const char *entity_kind(const struct world *w, const struct entity *e)
{
	if (e->kind == ENT_VCPU)
		return strcmp(w->scn->hv.kind, "vbox") == 0 ? "emt" : "vcpu";
	if (e->vm && e->vm->iothread == e)
		return "qemu-io";
	return e->vm && !e->vm->cfg ? "dom0" : "emulation";
}

/* One row per VCPU and emulation thread; host jobs (possibly thousands)
** are summarised by workloads.csv instead. */
static void write_entities(FILE *f, const struct world *w)
{
	fputs("entity,kind,vm,vcpu,run_s,ready_s,blocked_s,overhead_s,spin_s,dispatches,preemptions,migrations,"
	      "wakeups,remote_share,last_cpu,remote_stall_s,switch_s,refill_s,migrate_refill_s,remote_refill_s\n",
	      f);
	for (int i = 0; i < w->nent; i++) {
		const struct entity *e = w->ent[i];
		if (e->kind == ENT_JOB)
			continue;
		fprintf(f, "%s#%d,%s,%s,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%llu,%llu,%llu,%llu,%.9g,%d,%.9g,%.9g,%.9g,%.9g,%.9g\n",
			e->name, e->idx,
			entity_kind(w, e), e->vm ? e->vm->name : "", e->idx,
			(double)e->t_run / 1e9, (double)e->t_ready / 1e9, (double)e->t_blocked / 1e9,
			(double)e->t_overhead / 1e9, (double)e->t_spin / 1e9, (unsigned long long)e->ndispatch,
			(unsigned long long)e->npreempt, (unsigned long long)e->nmigrate, (unsigned long long)e->nwake,
			e->t_run > 0 ? e->remote_ns / (double)e->t_run : 0, e->cpu, remote_stall_s(w, e),
			(double)e->t_switch / 1e9, (double)e->t_refill / 1e9, (double)e->t_migrate / 1e9,
			(double)e->t_remote / 1e9);
	}
}

static void json_vms(FILE *f, const struct world *w)
{
	fputs(",\n  \"vms\": [", f);
	for (int i = 0; i < w->nvms; i++) {
		const struct vm *vm = &w->vms[i];
		struct vm_sum t = vm_sum(w, vm);
		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		jstr(f, vm->name);
		fprintf(f, ", \"kind\": \"%s\", \"vcpus\": %d, \"mem_node\": %d, \"run_s\": %.9g, \"ready_s\": %.9g, "
			   "\"overhead_s\": %.9g, \"spin_s\": %.9g, \"steal_pct\": %.9g, \"migrations\": %llu, "
			   "\"remote_share\": %.9g, \"switch_s\": %.9g, \"refill_s\": %.9g, \"migrate_refill_s\": %.9g, "
			   "\"remote_refill_s\": %.9g}",
			vm->cfg ? "guest" : "dom0", vm->nvcpus, vm->mem_node, (double)t.run / 1e9, (double)t.ready / 1e9,
			(double)t.ovh / 1e9, (double)t.spin / 1e9, steal_pct(&t), (unsigned long long)t.mig,
			t.run > 0 ? t.remote / (double)t.run : 0, (double)t.sw / 1e9, (double)t.refill / 1e9,
			(double)t.migr / 1e9, (double)t.rref / 1e9);
	}
	fputs("\n  ]", f);
}

/* Replayed threads: recorded and simulated CPU time and share.  The
** recorded share is run time over the trace's span; the simulated one
** over the measured interval. */
static void write_threads(FILE *f, const struct world *w)
{
	double measured = (double)(w->batches.t1 - w->batches.t0);
	fputs("workload,thread,pid,recorded_run_s,recorded_share,run_s,share,ready_s,blocked_s,dispatches,"
	      "recorded_dispatches,migrations\n",
	      f);
	for (int k = 0; k < w->nact; k++) {
		const struct activity *a = w->act[k];
		for (int i = 0; i < a->nth; i++) {
			const struct act_thread *t = &a->th[i];
			const struct entity *e = t->e;
			if (!e) {
				/* a guest thread: its bursts' time, and their waits for a VCPU */
				fprintf(f, "%s/%s,", a->vm->name, a->cfg->name);
				trace_csv_put(f, t->name);
				fprintf(f, ",%d,%.9g,%.9g,%.9g,%.9g,%.9g,,%llu,%llu,\n", t->pid, (double)t->recorded_run / 1e9,
					a->span > 0 ? (double)t->recorded_run / (double)a->span : 0,
					(double)t->g_run / 1e9, measured > 0 ? (double)t->g_run / measured : 0,
					(double)t->g_wait / 1e9, (unsigned long long)t->g_bursts,
					(unsigned long long)t->recorded_dispatches);
				continue;
			}
			/* a trace's thread names are anything its CSV holds */
			fprintf(f, "%s,", a->cfg->name);
			trace_csv_put(f, e->name);
			fprintf(f, ",%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%llu,%llu,%llu\n",
				e->idx, (double)t->recorded_run / 1e9,
				a->span > 0 ? (double)t->recorded_run / (double)a->span : 0, (double)e->t_run / 1e9,
				measured > 0 ? (double)e->t_run / measured : 0, (double)e->t_ready / 1e9,
				(double)e->t_blocked / 1e9, (unsigned long long)e->ndispatch,
				(unsigned long long)t->recorded_dispatches, (unsigned long long)e->nmigrate);
		}
	}
}

typedef void (*writer_fn)(FILE *f, const struct world *w);

int out_write_run(struct outdir *o, const struct world *w)
{
	static const struct {
		const char *name;
		writer_fn fn;
	} files[] = {
		{ "summary.json", write_summary },
		{ "workloads.csv", write_workloads },
		{ "pcpus.csv", write_pcpus },
		{ "vms.csv", write_vms },
		{ "entities.csv", write_entities },
		{ "threads.csv", write_threads },
		{ "devices.csv", write_devices },
		{ "specweb.csv", write_specweb },
		{ "pages.csv", write_pages },
		{ "tail.csv", write_tail },
		{ "micro.csv", write_micro },
		{ "requests.csv", write_requests },
	};
	const struct wlset *s = w->wl;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		/* a kind's file only when the scenario has that kind */
		if ((files[i].fn == write_specweb || files[i].fn == write_pages || files[i].fn == write_tail) &&
		    !(s && s->nweb))
			continue;
		if (files[i].fn == write_micro && !(s && s->nmicro))
			continue;
		if (files[i].fn == write_requests && !(s && s->nreq))
			continue;
		FILE *f = out_open(o, files[i].name);
		if (!f)
			return -1;
		files[i].fn(f, w);
		if (ferror(f) | fclose(f))
			return -1;
	}
	return 0;
}

char *out_tail_text(const struct world *w)
{
	if (!(w->wl && w->wl->nweb))
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	write_tail(f, w);
	if (ferror(f) | fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int out_write_tail(struct outdir *o, const struct world *w, const char *name)
{
	if (!(w->wl && w->wl->nweb))
		return 0;
	FILE *f = out_open(o, name);
	if (!f)
		return -1;
	write_tail(f, w);
	return ferror(f) | fclose(f) ? -1 : 0;
}

/* Per entity and pCPU, its run time inside the measured interval, from
** the segments the in-memory timeline kept (timeline_open(w, NULL, 1)).
** Rows in entity order, then pCPU; only pairs that ran.  share is the
** pair's part of the entity's recorded run time (the recording stops at
** TIMELINE_MAX_EVENTS segments: shares stay those of what was kept). */
int out_write_placement(struct outdir *o, const struct world *w)
{
	const struct timeline *t = timeline_of(w);
	if (!t || !t->gantt)
		return -1;
	int nc = w->sched.ncpus;
	double *ns = calloc((size_t)w->nent * (size_t)nc + 1, sizeof *ns);
	if (!ns)
		return -1;
	for (long long i = 0; i < t->nseg; i++) {
		const struct tl_seg *g = &t->seg[i];
		long long a = g->a > w->batches.t0 ? g->a : w->batches.t0;
		long long b = g->b < w->batches.t1 ? g->b : w->batches.t1;
		if (b > a && g->ent >= 0 && g->ent < w->nent && g->cpu >= 0 && g->cpu < nc)
			ns[(size_t)g->ent * (size_t)nc + (size_t)g->cpu] += (double)(b - a);
	}
	FILE *f = out_open(o, "placement.csv");
	if (!f) {
		free(ns);
		return -1;
	}
	fputs("entity,kind,vm,vcpu,mem_node,cpu,node,run_s,share\n", f);
	for (int i = 0; i < w->nent; i++) {
		const struct entity *e = w->ent[i];
		if (e->kind == ENT_JOB)
			continue;
		double tot = 0;
		for (int c = 0; c < nc; c++)
			tot += ns[(size_t)i * (size_t)nc + (size_t)c];
		for (int c = 0; c < nc; c++) {
			double x = ns[(size_t)i * (size_t)nc + (size_t)c];
			if (x <= 0)
				continue;
			fprintf(f, "%s#%d,%s,%s,%d,%d,%d,%d,%.9g,%.9g\n", e->name, e->idx, entity_kind(w, e),
				e->vm ? e->vm->name : "", e->idx, e->mem_node, c, w->sched.cpu[c].node, x / 1e9,
				x / tot);
		}
	}
	free(ns);
	return ferror(f) | fclose(f) ? -1 : 0;
}
