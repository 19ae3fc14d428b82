/*
** hvsim run SCEN.xml: simulate a scenario and write its outputs; end
** with a headline table per VM unless --quiet.
*/
#include "sim/cmd/cmd.h"
#include "models/actrec.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "models/wl_specweb.h"
#include "models/workload.h"
#include "models/world.h"
#include "sim/report/output.h"
#include "sim/report/timeline.h"
#include "sim/engine/infile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --dump-at: the scheduler's state at that instant, on stdout. */
static void dump_event(void *ctx, void *obj, uint64_t arg)
{
	struct world *w = ctx;
	(void)obj;
	(void)arg;
	printf("--- scheduler state at t=%.9f s ---\n", (double)world_now(w) / 1e9);
	sched_dump(&w->sched, stdout);
	printf("---\n");
}

/* activity.csv: the simulated activity trace of modelled threads
** (models/actrec.h), when the scenario has any.  0 or -1. */
static int write_activity(struct outdir *od, const struct world *w, const struct scenario *s)
{
	if (!w->rec)
		return 0;
	FILE *f = out_open(od, "activity.csv");
	if (!f)
		return -1;
	char c[512];
	snprintf(c, sizeof c, "source: hvsim run %.200s, seed %llu, policy %s; start_s is simulated time", s->file,
		 (unsigned long long)s->seed, w->sched.ops->name);
	int rc = actrec_write(f, w, c);
	return (rc | ferror(f) | fclose(f)) ? -1 : 0;
}

/* Per guest VM: what its workloads completed (pages of SPECweb, jobs of
** burst workloads) per second and their mean response time, whether its
** QoS counters pass, its VCPUs' steal (ready / (run + ready)) and the
** share of their run time that was switch and refill overhead. */
static void headline(const struct world *w, FILE *f)
{
	double measured = (double)(w->batches.t1 - w->batches.t0) / 1e9;
	int shown = 0;
	for (int i = 0; i < w->nvms; i++) {
		const struct vm *vm = &w->vms[i];
		if (!vm->cfg)
			continue;
		if (!shown++)
			fprintf(f, "%-12s %10s %10s %6s %8s %9s\n", "vm", "done/s", "response", "QoS", "steal",
				"overhead");
		double n = 0, rsum = 0;
		for (int k = 0; k < w->nburst; k++)
			if (w->burst[k]->vm == vm) {
				n += w->burst[k]->resp.tot_cnt;
				rsum += w->burst[k]->resp.tot_sum;
			}
		for (int k = 0; w->wl && k < w->wl->nweb; k++)
			if (w->wl->web[k]->vm == vm) {
				n += w->wl->web[k]->resp.tot_cnt;
				rsum += w->wl->web[k]->resp.tot_sum;
			}
		struct qos_count q = { 0, 0, 0 };
		for (int k = 0; k < w->nqos; k++)
			if (w->qos[k].vm == vm)
				qos_merge(&q, w->qos[k].count);
		int64_t run = 0, ready = 0, ovh = 0;
		for (int k = 0; k < vm->nvcpus; k++) {
			run += vm->vcpu[k]->t_run;
			ready += vm->vcpu[k]->t_ready;
			ovh += vm->vcpu[k]->t_overhead;
		}
		char resp[32] = "-";
		if (n > 0)
			snprintf(resp, sizeof resp, "%.3f s", rsum / n);
		fprintf(f, "%-12s %10.2f %10s %6s %7.1f%% %8.1f%%\n", vm->name, measured > 0 ? n / measured : 0, resp,
			q.n == 0 ? "-" : qos_pass(&q, &w->scn->qos) ? "pass" : "fail",
			run + ready > 0 ? 100.0 * (double)ready / (double)(run + ready) : 0,
			run > 0 ? 100.0 * (double)ovh / (double)run : 0);
	}
}

int cmd_run(const struct cmd *c, struct cmd_args *a)
{
	(void)c;
	const char *file = a->operand[0];
	struct scenario s;
	struct world w;
	struct diag d = { 0 };
	int rc = cmd_load(a, &s);
	if (rc)
		return rc;
	if (world_build(&w, &s, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		world_free(&w);
		scn_free(&s);
		return EXIT_USAGE;
	}
	diag_print(&d, stderr);
	diag_free(&d);
	char dest[4096], err[4200];
	cmd_dest(a, &s, "", dest, sizeof dest);
	struct outdir od = { 0 };
	if (a->dump_at >= s.duration) {
		rc = cmd_usage_error(c, "--dump-at: expected a time before the run's end (%.9g s), got %.9g s",
				     (double)s.duration / 1e9, (double)a->dump_at / 1e9);
		goto done;
	}
	if ((a->force && out_keeps(dest, a->operand[0], err, sizeof err)) ||
	    out_begin(&od, dest, a->force ? OUT_FORCE : OUT_NEW, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = EXIT_USAGE;
		goto done;
	}
	/* a timeline path that is a directory (or a FIFO...) would fail only
	** at the rename after the whole run: refused before it */
	struct stat tst;
	char why[200];
	if (a->timeline && stat(a->timeline, &tst) == 0 && infile_regular(&tst, why, sizeof why)) {
		fprintf(stderr, "hvsim: --timeline %s: %s (the timeline is a file of its own)\n", a->timeline, why);
		out_abort(&od);
		rc = EXIT_USAGE;
		goto done;
	}
	/* ... nor inside DIR under --force: DIR is swapped for the staged one
	** after the timeline is written there (exit 1 after the whole run) */
	if (a->timeline && a->force && out_in_dir(dest, a->timeline)) {
		fprintf(stderr, "hvsim: --timeline %s: expected a file outside %s, which --force replaces\n", a->timeline,
			dest);
		out_abort(&od);
		rc = EXIT_USAGE;
		goto done;
	}
	/* ... nor the scenario, which it replaced (exit 0) */
	struct stat sst;
	if (a->timeline && stat(a->timeline, &tst) == 0 && stat(a->operand[0], &sst) == 0 && tst.st_dev == sst.st_dev &&
	    tst.st_ino == sst.st_ino) {
		fprintf(stderr, "hvsim: --timeline %s: expected a file other than the scenario it runs\n", a->timeline);
		out_abort(&od);
		rc = EXIT_USAGE;
		goto done;
	}
	if (a->timeline)
		out_clean_stale(a->timeline);
	if ((a->timeline || a->gantt) && timeline_open(&w, a->timeline, a->gantt)) {
		fprintf(stderr, "hvsim: %s: cannot write: %s\n", a->timeline, strerror(errno));
		out_abort(&od);
		rc = EXIT_USAGE;
		goto done;
	}
	if (a->timeline_max > 0)
		timeline_set_max(&w, a->timeline_max);
	if (a->dump_at >= 0 && !world_at(&w, a->dump_at, dump_event, NULL, 0)) {
		fprintf(stderr, "hvsim: out of memory\n");
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	cmd_catch_signals();
	w.stop = &cmd_interrupted;
	if (world_run(&w)) {
		fprintf(stderr, "hvsim: %s: the run %s at t=%.6f s; nothing written\n", file,
			cmd_interrupted ? "was interrupted" : "ran out of memory", (double)world_now(&w) / 1e9);
		out_abort(&od);
		rc = cmd_interrupted ? EXIT_INTERRUPTED : EXIT_RUNFAIL;
		goto done;
	}
	if (a->gantt)
		timeline_gantt(&w, stdout, 100);
	errno = 0;
	if (out_write_run(&od, &w) || write_activity(&od, &w, &s)) {
		fprintf(stderr, "hvsim: %s: cannot write the outputs: %s; nothing written\n", dest,
			strerror(errno ? errno : EIO));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	/* the timeline's end written before the outputs go in place, so a
	** full disk leaves neither; only its rename comes after */
	if (timeline_finish(&w)) {
		fprintf(stderr, "hvsim: %s: cannot write the timeline: %s; nothing written\n", a->timeline,
			strerror(errno));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	if (out_commit(&od, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s%s\n", err, a->timeline ? " (nor the timeline)" : "");
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	/* the outputs are in place; the timeline is a file of its own */
	if (timeline_close(&w)) {
		fprintf(stderr, "hvsim: %s: cannot write the timeline: %s; not written (the outputs are in %s/)\n",
			a->timeline, strerror(errno), dest);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	if (!a->quiet)
		headline(&w, stdout);
	printf("%s: %llu events, %.3g simulated s in %.3g wall s (%.3g M events/s); wrote %s/\n", s.name,
	       (unsigned long long)w.events, (double)s.duration / 1e9, w.wall,
	       w.wall > 0 ? (double)w.events / w.wall / 1e6 : 0, dest);
done:
	free(od.dest);
	free(od.stage);
	world_free(&w);
	scn_free(&s);
	return rc;
}
