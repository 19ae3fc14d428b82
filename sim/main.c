/*
** hvsim command line: run, validate, capacity, sweep, explain, policies, import; --help,
** --version.
** Exit status: 0 success, 1 the run failed, 2 bad usage or bad input.
*/
#include "calibration/calib.h"
#include "models/sched.h"
#include "models/wl_burst.h"
#include "sim/capacity.h"
#include "sim/dist.h"
#include "sim/explain.h"
#include "sim/output.h"
#include "sim/scenario.h"
#include "sim/sweep.h"
#include "sim/timeline.h"
#include "sim/units.h"
#include "sim/world.h"
#include "traces/import.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#define EXIT_RUNFAIL 1
#define EXIT_USAGE 2

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const char usage_main[] =
	"usage: hvsim <command> [options]\n"
	"\n"
	"hvsim simulates how hypervisors multiplex VCPUs on NUMA machines.\n"
	"\n"
	"commands:\n"
	"  run       SCEN.xml [-o DIR] [--force] [--seed N] [--set KEY=VALUE]... [--timeline F.json] [--gantt]\n"
	"            simulate the scenario; write summary.json and CSVs into DIR\n"
	"  validate  FILE.xml [--set KEY=VALUE]...\n"
	"            check a scenario or a machine/hypervisor profile; print what would run\n"
	"  capacity  SCEN.xml [-o DIR] [--force] [--seed N] [--set KEY=VALUE]... [-j N]\n"
	"            find the most users per VM that pass the scenario's QoS rule\n"
	"  sweep     SCEN.xml [-o DIR] [-j N] [--seed N] [--set KEY=VALUE]... [--resume | --force]\n"
	"            run every point of the scenario's <sweep>; one row a point in sweep.csv\n"
	"  calibrate CALIB.xml [-o DIR] [--force] [-j N] [--values FIT.csv] [--set KEY=VALUE]...\n"
	"            fit cost parameters to measured points, predict the held-out ones\n"
	"  explain   DIR [--threshold PCT] [--no-render] [--force]\n"
	"            why the curves of the sweep in DIR stop growing: DIR/explain/ with\n"
	"            explain.txt and Graphviz diagrams\n"
	"  policies  list the scheduling policies, the sources they follow and their parameters\n"
	"  import    FORMAT FILE -o OUT.csv [--strict]\n"
	"            convert a measured trace (apache-log, perf-sched) into an hvsim trace CSV\n"
	"\n"
	"  hvsim --version       print the version\n"
	"  hvsim <command> --help\n"
	"\n"
	"exit status: 0 success, 1 the run failed, 2 bad usage or bad input\n";

static const char usage_run[] =
	"usage: hvsim run SCEN.xml [-o DIR] [--force] [--seed N] [--set KEY=VALUE]... [--timeline F.json] [--gantt]\n"
	"\n"
	"Simulate SCEN.xml and write into DIR (default out/<scenario name>):\n"
	"  summary.json   scenario, seed, version, simulated and wall time, events,\n"
	"                 per-workload and per-pCPU metrics with 95% confidence intervals\n"
	"  workloads.csv  one row per workload: throughput, response time, jobs in system\n"
	"  pcpus.csv      one row per pCPU: utilisation, busy time, context switches\n"
	"Files are written to DIR.tmp-PID, renamed to DIR only when complete; DIR must\n"
	"not exist (--force replaces an existing hvsim output directory).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR     output directory, a new one\n"
	"  --force              replace DIR if it exists (an hvsim output directory):\n"
	"                       the old one is removed once the new one is in place\n"
	"  --seed N             override the scenario's seed (run seed=\"...\")\n"
	"  --set KEY=VALUE      override any scenario value; KEY is a path of elements\n"
	"                       ending in an attribute, e.g.\n"
	"                         --set run.duration=500s\n"
	"                         --set machine.frequency=3GHz\n"
	"                         --set machine.node[1].memory=8GiB   (N-th <node>, from 0)\n"
	"                         --set workload[jobs].closed.users=20 (by name= or id=)\n"
	"                         --set hypervisor.policy.name=rr\n"
	"                       values inside profiles are reached the same way\n"
	"  --timeline F.json    record which entity ran on which pCPU, when, and why it\n"
	"                       stopped, in Chrome trace format (open it in ui.perfetto.dev)\n"
	"  --gantt              print a text Gantt chart of the run (for small runs:\n"
	"                       100 columns over the whole run, one row per pCPU)\n"
	"  -h, --help           this text\n";

static const char usage_capacity[] =
	"usage: hvsim capacity SCEN.xml [-o DIR] [--force] [--seed N] [--set KEY=VALUE]... [-j N]\n"
	"\n"
	"Find the largest number of users per VM (the same in every VM) whose run passes\n"
	"the scenario's <qos> rule (default: 97% of pages within 3 s and 99% within 5 s;\n"
	"<qos standard=\"official\"/>: 95%).  The users varied are those of the closed\n"
	"workloads inside VMs named by <capacity workload=...> (default: all of them).\n"
	"Each of <capacity replications> (3) searches with seed SEED+r for every count it\n"
	"tries: doubling from <capacity min> (1) until a run fails or <capacity max>\n"
	"(5000) passes, then bisection down to <capacity resolution> (1) users.\n"
	"\n"
	"Writes into DIR (default out/<scenario name>-capacity):\n"
	"  capacity.csv         users per VM (mean over replications, 95% CI), cumulative\n"
	"                       users over the VMs, QoS and CPU use at capacity\n"
	"  capacity_probes.csv  one row per simulated run of the search\n"
	"Files are written to DIR.tmp-PID, renamed to DIR only when complete; DIR must\n"
	"not exist (--force replaces an existing hvsim output directory).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR     output directory, a new one\n"
	"  --force              replace DIR if it exists (an hvsim output directory):\n"
	"                       the old one is removed once the new one is in place\n"
	"  --seed N             override the scenario's seed (replication r uses N+r)\n"
	"  --set KEY=VALUE      override any scenario value, e.g. --set capacity.max=800\n"
	"                       --set qos.standard=official (see hvsim run --help)\n"
	"  -j, --jobs N         replications run in parallel (default: online CPUs);\n"
	"                       the outputs do not depend on N\n"
	"  -h, --help           this text\n";

static const char usage_sweep[] =
	"usage: hvsim sweep SCEN.xml [-o DIR] [-j N] [--seed N] [--set KEY=VALUE]... [--resume | --force]\n"
	"\n"
	"Run every point of the scenario's <sweep mode=\"run|capacity\">: each <vary\n"
	"key=\"vm[web].count\" values=\"1 2 4\"/> (or from=\"1\" to=\"10\" step=\"1\") gives\n"
	"values of one --set path; several <vary> make a Cartesian product, the first\n"
	"outermost.  A point is the scenario with the command line's --set, then the\n"
	"point's values; mode=\"run\" simulates it once, mode=\"capacity\" runs the\n"
	"capacity search (hvsim capacity --help).\n"
	"\n"
	"Writes into DIR (default out/<scenario name>-sweep):\n"
	"  sweep.csv        one row a point, in point order: the varied values, then the\n"
	"                   results (run: hypervisor, policy, VMs, users, QoS, pages/s,\n"
	"                   CPU, steal, spin, events; capacity: capacity.csv's columns);\n"
	"                   wall_s last (the only column that varies between runs)\n"
	"  sweep.settings   what the rows were made with, checked on a rerun\n"
	"  points/NNN/      each point's own outputs (hvsim run's, or capacity.csv)\n"
	"Each row is appended and synced as its point finishes: an interrupted sweep\n"
	"keeps every finished point, and running the same command again (or --resume)\n"
	"runs only the missing ones.  A DIR holding a different sweep, or anything else,\n"
	"is an error (--force: run the whole sweep in DIR.tmp-PID and replace DIR with it\n"
	"at the end).\n"
	"\n"
	"options:\n"
	"  -o, --output DIR     output directory, a new one\n"
	"  --force              replace DIR if it exists (an hvsim output directory):\n"
	"                       the old one is removed once the new one is in place\n"
	"  -j, --jobs N         points run in parallel (default: online CPUs); sweep.csv\n"
	"                       does not depend on N (wall_s aside)\n"
	"  --seed N             override the scenario's seed\n"
	"  --set KEY=VALUE      override any scenario value (see hvsim run --help)\n"
	"  --resume             continue the sweep in DIR (an error if there is none)\n"
	"  -h, --help           this text\n"
	"\n"
	"exit status: 0 every point done, 1 some point failed (the others are done),\n"
	"2 bad usage or input (nothing run), 130 interrupted\n";

static const char usage_explain[] =
	"usage: hvsim explain DIR [--threshold PCT] [--no-render] [--force]\n"
	"\n"
	"Read the output directory of hvsim sweep (mode run or capacity) and explain each\n"
	"curve over its vm[NAME].count key (one curve per combination of the other keys):\n"
	"the plateau (the VM count after which the cumulative value grows by less than\n"
	"PCT per added VM, default 5), the VCPU/pCPU ratio there, the saturated resource,\n"
	"and the per-VM throughput (or capacity) lost at each VM count split over its\n"
	"measured causes (ready-wait, switch and refill, lock spin, remote memory,\n"
	"emulation, NIC, disk, page-cache misses).  Writes the directory DIR/explain/,\n"
	"staged in DIR/explain.tmp-PID and renamed into place when complete:\n"
	"  explain.txt                   the report (also printed)\n"
	"  curveK-bottleneck.dot         resources, utilisation, demand, the saturated one\n"
	"  curveK-placement.dot          VCPUs on pCPUs and NUMA nodes, memory homes\n"
	"and their .svg when Graphviz's dot is on PATH (not with --no-render).\n"
	"\n"
	"options:\n"
	"  --threshold PCT      growth per added VM below which a curve has plateaued (5)\n"
	"  --no-render          write the .dot files only\n"
	"  --force              replace an existing DIR/explain/ (else it is refused)\n"
	"\n"
	"exit status: 0 done, 1 cannot write, 2 bad usage, not a readable sweep or\n"
	"DIR/explain/ exists\n";

static const char usage_validate[] =
	"usage: hvsim validate FILE.xml [--set KEY=VALUE]...\n"
	"\n"
	"Check a scenario, or a machine or hypervisor profile, against the schema and\n"
	"for meaning; print every error as file:line: ... and exit 2, or print what\n"
	"would run and exit 0.\n";

/* Which options a command takes besides --set and --help. */
enum {
	OPT_OUT = 1,       /* -o/--output DIR, --seed N */
	OPT_TRACE = 2,     /* --timeline F.json, --gantt */
	OPT_JOBS = 4,      /* -j/--jobs N */
	OPT_RESUME = 8,    /* --resume */
	OPT_FORCE = 16,    /* --force */
};

struct opts {
	const char *file, *outdir, *timeline;
	int gantt;
	int resume;
	int force;
	int jobs;          /* 0: not given */
	int has_seed;
	unsigned long long seed;
	struct scn_override *ov;
	int nov;
};

/* Parse a command's options (allow: OPT_* bits); returns 0, or
** EXIT_USAGE after a message. */
static int parse_opts(int argc, char **argv, const char *usage, int allow, struct opts *o)
{
	memset(o, 0, sizeof *o);
	o->ov = calloc((size_t)argc + 1, sizeof *o->ov);
	if (!o->ov) {
		fprintf(stderr, "hvsim: out of memory\n");
		return EXIT_RUNFAIL;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			exit(0);
		}
		if ((allow & OPT_TRACE) && strcmp(a, "--gantt") == 0) {
			o->gantt = 1;
			continue;
		}
		if ((allow & OPT_RESUME) && strcmp(a, "--resume") == 0) {
			o->resume = 1;
			continue;
		}
		if ((allow & OPT_FORCE) && strcmp(a, "--force") == 0) {
			o->force = 1;
			continue;
		}
		/* long names also take --name=VALUE; -j also -jN */
		const char *names[] = { "--set", "--seed", "--timeline", "--output", "--jobs", "-o", "-j" };
		const int nlong = 5, nnames = 7;
		int which = -1;
		for (int k = 0; k < nnames; k++) {
			size_t nl = strlen(names[k]);
			if (strcmp(a, names[k]) == 0) {
				if (i + 1 >= argc) {
					fprintf(stderr, "hvsim: %s needs a value\n%s", a, usage);
					return EXIT_USAGE;
				}
				which = k;
				val = argv[++i];
			} else if (k < nlong && strncmp(a, names[k], nl) == 0 && a[nl] == '=') {
				which = k;
				val = a + nl + 1;
			} else if (k == 6 && strncmp(a, "-j", 2) == 0 && a[2]) {
				which = k;
				val = a + 2;
			}
			if (which >= 0)
				break;
		}
		if (which == 0) {
			const char *eq = strchr(val, '=');
			if (!eq || eq == val) {
				fprintf(stderr, "hvsim: --set %s: expected KEY=VALUE\n", val);
				return EXIT_USAGE;
			}
			char *key = strndup(val, (size_t)(eq - val));
			if (!key) {
				fprintf(stderr, "hvsim: out of memory\n");
				return EXIT_RUNFAIL;
			}
			o->ov[o->nov].key = key;
			o->ov[o->nov].value = eq + 1;
			o->nov++;
		} else if (which == 1 && (allow & OPT_OUT)) {
			char *end;
			errno = 0;
			o->seed = strtoull(val, &end, 10);
			if (errno || !*val || *end || *val == '-') {
				fprintf(stderr, "hvsim: --seed %s: expected a non-negative integer\n", val);
				return EXIT_USAGE;
			}
			o->has_seed = 1;
		} else if (which == 2 && (allow & OPT_TRACE)) {
			o->timeline = val;
		} else if ((which == 3 || which == 5) && (allow & OPT_OUT)) {
			o->outdir = val;
		} else if ((which == 4 || which == 6) && (allow & OPT_JOBS)) {
			char *end;
			errno = 0;
			long j = strtol(val, &end, 10);
			if (errno || !*val || *end || j < 1 || j > 1024) {
				fprintf(stderr, "hvsim: %s %s: expected a number of processes from 1 to 1024\n", a, val);
				return EXIT_USAGE;
			}
			o->jobs = (int)j;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "hvsim: unknown option '%s'\n%s", a, usage);
			return EXIT_USAGE;
		} else if (!o->file) {
			o->file = a;
		} else {
			fprintf(stderr, "hvsim: unexpected argument '%s'\n%s", a, usage);
			return EXIT_USAGE;
		}
	}
	if (!o->file) {
		fprintf(stderr, "hvsim: missing the XML file\n%s", usage);
		return EXIT_USAGE;
	}
	if (o->force && o->resume) {
		fprintf(stderr, "hvsim: --force and --resume: expected one of them (--force starts the sweep "
				"again, --resume continues it)\n");
		return EXIT_USAGE;
	}
	return 0;
}

static void free_opts(struct opts *o)
{
	for (int i = 0; i < o->nov; i++)
		free((char *)o->ov[i].key);
	free(o->ov);
}

/* Load the scenario and build its world; prints errors.  0 or EXIT_USAGE. */
static int load(struct opts *o, struct scenario *s, struct world *w, int profile_ok)
{
	struct diag d = { 0 };
	int rc = 0;
	if (scn_load(s, o->file, o->ov, o->nov, profile_ok, &d)) {
		rc = EXIT_USAGE;
	} else if (w) {
		if (o->has_seed)
			s->seed = o->seed;
		if (world_build(w, s, &d)) {
			world_free(w);
			scn_free(s);
			rc = EXIT_USAGE;
		}
	}
	diag_print(&d, stderr);
	diag_free(&d);
	return rc;
}

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
	if (s->hv.cosched.mode)
		fprintf(f, "  co-scheduling: %s%s%s\n", s->hv.cosched.mode == 1 ? "strict" : "relaxed, skew ",
			s->hv.cosched.mode == 1 ? "" : units_fmt_time(s->hv.cosched.skew, a, sizeof a), "");
	if (s->hv.dom0.vcpus)
		fprintf(f, "  Dom0: %d VCPUs, weight %d\n", s->hv.dom0.vcpus, s->hv.dom0.weight);
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
		fputc('\n', f);
		for (int j = 0; j < v->nworkloads; j++)
			describe_workload(&v->workload[j], s, "  workload", f);
	}
}

static int cmd_policies(int argc, char **argv)
{
	if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		puts("usage: hvsim policies\n\nList every scheduling policy (<policy name=...>), the source it\n"
		     "follows, and its parameters with their defaults.");
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "hvsim: policies takes no arguments\n");
		return EXIT_USAGE;
	}
	for (int i = 0; sched_registry[i]; i++) {
		const struct sched_ops *ops = sched_registry[i];
		printf("%s: %s\n  follows: %s\n", ops->name, ops->summary, ops->source);
		for (const struct sched_param_def *d = ops->params; d && d->name; d++)
			printf("  %s = %s - %s\n", d->name, d->def, d->help);
		printf("  co-scheduling: %s\n", ops->dequeue ? "strict and relaxed" : "relaxed only");
	}
	return 0;
}

static int cmd_validate(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, usage_validate, 0, &o);
	if (rc) {
		free_opts(&o);
		return rc;
	}
	struct scenario s;
	struct diag d = { 0 };
	if (scn_load(&s, o.file, o.ov, o.nov, 1, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		free_opts(&o);
		return EXIT_USAGE;
	}
	if (s.nworkloads == 0 && s.hv.name == NULL) {
		/* a machine profile */
		struct machine m;
		if (machine_build(&m, &s.machine) == 0)
			machine_describe(&m, stdout);
		machine_free(&m);
	} else if (s.machine.name == NULL) {
		/* a hypervisor profile */
		if (sched_check(&s.hv.policy, &d) == 0) {
			printf("hypervisor %s (%s)\n", s.hv.name, s.hv.kind);
			describe_policy(&s.hv.policy, stdout);
		} else {
			rc = EXIT_USAGE;
		}
	} else {
		struct world w;
		if (world_build(&w, &s, &d) == 0)
			describe(&s, &w, stdout);
		else
			rc = EXIT_USAGE;
		world_free(&w);
		/* every point of its <sweep>, as hvsim sweep loads them */
		struct sweep_args a = { .file = o.file, .ov = o.ov, .nov = o.nov };
		if (rc == 0 && s.sweep.present && sweep_check(&a, &s.sweep, &d))
			rc = EXIT_USAGE;
	}
	diag_print(&d, stderr);
	diag_free(&d);
	if (rc == 0)
		printf("%s: valid\n", o.file);
	scn_free(&s);
	free_opts(&o);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, usage_run, OPT_OUT | OPT_TRACE | OPT_FORCE, &o);
	if (rc) {
		free_opts(&o);
		return rc;
	}
	struct scenario s;
	struct world w;
	rc = load(&o, &s, &w, 0);
	if (rc) {
		free_opts(&o);
		return rc;
	}
	char dest[4096], err[4200];
	if (o.outdir)
		snprintf(dest, sizeof dest, "%s", o.outdir);
	else
		snprintf(dest, sizeof dest, "out/%s", s.name);
	struct outdir od = { 0 };
	if (out_begin(&od, dest, o.force ? OUT_FORCE : OUT_NEW, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = EXIT_USAGE;
		goto done;
	}
	if (o.timeline)
		out_clean_stale(o.timeline);
	if ((o.timeline || o.gantt) && timeline_open(&w, o.timeline, o.gantt)) {
		fprintf(stderr, "hvsim: %s: cannot write: %s\n", o.timeline, strerror(errno));
		out_abort(&od);
		rc = EXIT_USAGE;
		goto done;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	w.stop = &interrupted;
	if (world_run(&w)) {
		fprintf(stderr, "hvsim: %s: the run %s at t=%.6f s; nothing written\n", o.file,
			interrupted ? "was interrupted" : "ran out of memory", (double)world_now(&w) / 1e9);
		out_abort(&od);
		rc = interrupted ? 130 : EXIT_RUNFAIL;
		goto done;
	}
	if (o.gantt)
		timeline_gantt(&w, stdout, 100);
	errno = 0;
	if (out_write_run(&od, &w)) {
		fprintf(stderr, "hvsim: %s: cannot write the outputs: %s; nothing written\n", dest,
			strerror(errno ? errno : EIO));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	/* the timeline's end written before the outputs go in place, so a
	** full disk leaves neither; only its rename comes after */
	if (timeline_finish(&w)) {
		fprintf(stderr, "hvsim: %s: cannot write the timeline: %s; nothing written\n", o.timeline,
			strerror(errno));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	if (out_commit(&od, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s%s\n", err, o.timeline ? " (nor the timeline)" : "");
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	/* the outputs are in place; the timeline is a file of its own */
	if (timeline_close(&w)) {
		fprintf(stderr, "hvsim: %s: cannot write the timeline: %s; not written (the outputs are in %s/)\n",
			o.timeline, strerror(errno), dest);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	printf("%s: %llu events, %.3g simulated s in %.3g wall s (%.3g M events/s); wrote %s/\n", s.name,
	       (unsigned long long)w.events, (double)s.duration / 1e9, w.wall,
	       w.wall > 0 ? (double)w.events / w.wall / 1e6 : 0, dest);
done:
	free(od.dest);
	free(od.stage);
	world_free(&w);
	scn_free(&s);
	free_opts(&o);
	return rc;
}

static int cmd_capacity(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, usage_capacity, OPT_OUT | OPT_JOBS | OPT_FORCE, &o);
	if (rc) {
		free_opts(&o);
		return rc;
	}
	struct scenario s;
	struct diag d = { 0 };
	if (scn_load(&s, o.file, o.ov, o.nov, 0, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		free_opts(&o);
		return EXIT_USAGE;
	}
	if (o.has_seed)
		s.seed = o.seed;
	if (cap_check(&s, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		scn_free(&s);
		free_opts(&o);
		return EXIT_USAGE;
	}
	diag_free(&d);
	char dest[4096], err[4200];
	if (o.outdir)
		snprintf(dest, sizeof dest, "%s", o.outdir);
	else
		snprintf(dest, sizeof dest, "out/%s-capacity", s.name);
	struct outdir od = { 0 };
	struct cap_result r = { 0 };
	if (out_begin(&od, dest, o.force ? OUT_FORCE : OUT_NEW, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = EXIT_USAGE;
		goto done;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = o.jobs ? o.jobs : ncpu > 0 ? (int)ncpu : 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	int sr = cap_search(&s, jobs, &interrupted, &r, err, sizeof err);
	if (sr) {
		fprintf(stderr, "hvsim: %s: %s; nothing written\n", o.file,
			sr == -2 || interrupted ? "the search was interrupted" : err);
		out_abort(&od);
		rc = sr == -2 || interrupted ? 130 : EXIT_RUNFAIL;
		goto done;
	}
	errno = 0;
	if (cap_write(&od, &s, &r)) {
		fprintf(stderr, "hvsim: %s: cannot write the outputs: %s; nothing written\n", dest,
			strerror(errno ? errno : EIO));
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	if (out_commit(&od, err, sizeof err)) {
		fprintf(stderr, "hvsim: %s\n", err);
		out_abort(&od);
		rc = EXIT_RUNFAIL;
		goto done;
	}
	cap_print(stdout, &s, &r, dest);
done:
	cap_free(&r);
	free(od.dest);
	free(od.stage);
	scn_free(&s);
	free_opts(&o);
	return rc;
}

static int cmd_sweep(int argc, char **argv)
{
	struct opts o;
	int rc = parse_opts(argc, argv, usage_sweep, OPT_OUT | OPT_JOBS | OPT_RESUME | OPT_FORCE, &o);
	if (rc) {
		free_opts(&o);
		return rc;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct sweep_args a = {
		.file = o.file,
		.outdir = o.outdir,
		.ov = o.ov,
		.nov = o.nov,
		.has_seed = o.has_seed,
		.seed = o.seed,
		.jobs = o.jobs ? o.jobs : ncpu > 0 ? (int)ncpu : 1,
		.resume = o.resume,
		.force = o.force,
		.progress = isatty(STDERR_FILENO),
		.stop = &interrupted,
	};
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = sweep_run(&a);
	free_opts(&o);
	return rc;
}

static int cmd_explain(int argc, char **argv)
{
	const char *dir = NULL;
	double thr = EXPLAIN_THRESHOLD;
	int do_render = 1, force = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage_explain, stdout);
			return 0;
		} else if (strcmp(argv[i], "--no-render") == 0) {
			do_render = 0;
		} else if (strcmp(argv[i], "--force") == 0) {
			force = 1;
		} else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
			char *end;
			thr = strtod(argv[++i], &end) / 100;
			if (*end || !(thr > 0 && thr < 10)) {
				fprintf(stderr, "hvsim: --threshold: expected a percentage above 0, got '%s'\n", argv[i]);
				return EXIT_USAGE;
			}
		} else if (argv[i][0] == '-' || dir) {
			fprintf(stderr, "hvsim: explain: unexpected '%s'\n\n%s", argv[i], usage_explain);
			return EXIT_USAGE;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		fputs(usage_explain, stderr);
		return EXIT_USAGE;
	}
	struct explain x;
	char err[4400];
	int nsvg = 0;
	if (explain_load(&x, dir, thr, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	int rc = explain_write(&x, do_render, force, &nsvg, err, sizeof err);
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", err);
		rc = rc == -2 ? EXIT_USAGE : EXIT_RUNFAIL;
	} else {
		explain_report(&x, stdout);
		printf("wrote %s/explain/ (explain.txt, %d .dot, %d .svg)\n", dir, 2 * x.ncurve, nsvg);
	}
	explain_free(&x);
	return rc;
}

int main(int argc, char **argv)
{
	LIBXML_TEST_VERSION;
	int rc;
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		rc = 0;
	} else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("hvsim %s\n", HVSIM_VERSION);
		rc = 0;
	} else if (strcmp(cmd, "run") == 0) {
		rc = cmd_run(argc - 2, argv + 2);
	} else if (strcmp(cmd, "validate") == 0) {
		rc = cmd_validate(argc - 2, argv + 2);
	} else if (strcmp(cmd, "capacity") == 0) {
		rc = cmd_capacity(argc - 2, argv + 2);
	} else if (strcmp(cmd, "sweep") == 0) {
		rc = cmd_sweep(argc - 2, argv + 2);
	} else if (strcmp(cmd, "calibrate") == 0) {
		rc = cal_main(argc - 1, argv + 1);
	} else if (strcmp(cmd, "explain") == 0) {
		rc = cmd_explain(argc - 2, argv + 2);
	} else if (strcmp(cmd, "policies") == 0) {
		rc = cmd_policies(argc - 2, argv + 2);
	} else if (strcmp(cmd, "import") == 0) {
		rc = trace_import_main(argc - 2, argv + 2);
	} else {
		fprintf(stderr, "hvsim: unknown command '%s'; expected one of: run, validate, capacity, sweep, calibrate, explain, policies, import\n\n%s", cmd, usage_main);
		rc = EXIT_USAGE;
	}
	xmlCleanupParser();
	return rc;
}
