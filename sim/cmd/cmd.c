/*
** The command table and the parser made from it on getopt_long (see
** cmd.h); --help, the man page and the bash completion are cmd_help.c's.
*/
#include "sim/cmd/cmd.h"
#include "sim/cmd/cmd_int.h"
#include "sim/engine/units.h"
#include "sim/report/output.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------ the options --- */


/* One spelling, limit and help text per option, whichever command takes it. */
const struct opt_def cmd_opt_defs[O_NOPTS] = {
	[O_OUTPUT] = { "output", 'o', "DIR", "the output directory, a new one (default under out/)", "dir" },
	[O_FORCE] = { "force", 0, NULL,
		      "replace DIR if it exists (an hvsim output directory): the old one is removed once the "
		      "new one is complete",
		      NULL },
	[O_SEED] = { "seed", 0, "N", "replace the scenario's seed (a non-negative integer)", NULL },
	[O_SET] = { "set", 0, "KEY=VALUE",
		    "change any scenario value, profiles' included; KEY is a path of elements ending in an "
		    "attribute: run.duration, machine.node[1].memory, vm[web].workload[ecommerce].specweb.users, "
		    "hypervisor.policy.name (repeatable)",
		    NULL },
	[O_JOBS] = { "jobs", 'j', "N", "processes at once, 1 to 1024 (default: the online CPUs); the outputs do "
					"not depend on N.  Under mpirun or srun with several ranks, -j is ignored: "
					"each rank runs one unit at a time, rank 0 writes (docs/cluster.md)",
		     NULL },
	[O_TIMELINE] = { "timeline", 0, "F.json",
			 "record which entity ran on which pCPU, when and why it stopped, in Chrome trace format "
			 "(ui.perfetto.dev opens it)",
			 "json" },
	[O_TIMELINE_MAX] = { "timeline-max", 0, "N",
			     "record at most N timeline events (default 2000000, about 200 MB of JSON); past it "
			     "hvsim says so on stderr",
			     NULL },
	[O_GANTT] = { "gantt", 0, NULL, "print a text Gantt chart of the run: 100 columns, a row per pCPU", NULL },
	[O_DUMP_AT] = { "dump-at", 0, "T",
			"print the scheduler's state (every pCPU, run queue and the policy's own) at simulated "
			"time T, e.g. 10s (repeatable: the last one counts)",
			NULL },
	[O_RESUME] = { "resume", 0, NULL, "continue the sweep in DIR (an error if there is none)", NULL },
	[O_REUSE] = { "reuse", 0, "SWEEPDIR",
		      "take a point's outputs and row from another sweep's directory when its points/NNN/model.xml "
		      "is this point's, byte for byte: the same model, seed, protocol and start, so the same "
		      "simulation (repeatable; the other sweep must come from this hvsim build; docs/sweep.md)",
		      "dir" },
	[O_CACHE] = { "cache", 0, "DIR",
		      "keep every capacity replication the sweep runs in DIR and take one from it instead of "
		      "running it again when another search (any sweep using DIR, at once or later) ran the "
		      "same model, seed and bracket with this hvsim build: the results are the same "
		      "(docs/capacity.md)",
		      "dir" },
	[O_PROTOCOL] = { "protocol", 0, "specweb",
			 "time every capacity probe as the SPECweb2005 kit does: 300 s warm-up and 300 s ramp-up "
			 "(both as warm-up), 1800 s measured, 3 replications, no sequential stop",
			 NULL },
	[O_VALUES] = { "values", 0, "FIT.csv",
		       "do not fit: take the values of a previous fit and predict every row", "csv" },
	[O_KNOWN] = { "known", 0, "Q.csv",
		      "with --values: take these SPECweb sessions per VM as simulated (rows of quantities.csv's "
		      "columns with metric sessions_per_vm, e.g. from a capacity sweep: docs/calibration.md)",
		      "csv" },
	[O_STAGES] = { "stages", 0, "A,B", "fit only these stages; the others keep --values' values (or their starts)",
		       NULL },
	[O_QUIET] = { "quiet", 'q', NULL, "no progress on stderr", NULL },
	[O_THRESHOLD] = { "threshold", 0, "PCT", "growth per added VM below which a curve has plateaued (default 5)",
			  NULL },
	[O_NO_RENDER] = { "no-render", 0, NULL, "write the Graphviz .dot and gnuplot .gp files only, not their .svg", NULL },
	[O_COUNTERFACTUAL] = { "counterfactual", 0, "SCEN.xml",
			       "search the chosen points again with causes removed (SCEN.xml: the sweep's scenario) "
			       "and split their capacity over the causes (Shapley values; docs/explain.md)",
			       "xml" },
	[O_POINTS] = { "points", 0, "WHICH",
		       "with --counterfactual: plateau (each curve's plateau and last point; the default), all, "
		       "VM counts such as 4,8 (every curve) or CURVE:COUNT pairs such as 2:5,2:8",
		       NULL },
	[O_CAUSES] = { "causes", 0, "LIST",
		       "with --counterfactual: the causes to remove, e.g. switch,numa,lhp (default: every one that "
		       "applies: switch, numa, lhp, paging, emulation, emu-wait, nic, disk, pagecache, overcommit)",
		       NULL },
	[O_GRADE] = { "grade", 0, "SHAPES.csv",
		      "grade statements about the curves' shapes (plateau at N, grows, below or above another "
		      "curve, peak, values, ratios) with the capacity statistics; writes grades.csv "
		      "(experiments/paper/shapes.csv; docs/explain.md)",
		      "csv" },
	[O_REPLICATIONS] = { "replications", 0, "N",
			     "with --counterfactual: replications of every search, 1 to 16 (default 3)", NULL },
	[O_STRICT] = { "strict", 0, NULL, "stop at the first malformed line instead of skipping it", NULL },
	[O_REPAIR_IDLE] = { "repair-idle", 0, NULL,
			    "perf-sched: infer the switch-ins the recording lacks (machines where perf records "
			    "nothing while a CPU idles) from each task's first event on the CPU",
			    NULL },
	[O_THREADS] = { "threads", 0, "PATTERN",
			"only threads whose name matches the shell pattern (fnmatch; repeatable): 'CPU */KVM', "
			"'hog*'",
			NULL },
	[O_MODEL] = { "model", 0, NULL,
		      "perf-sched: write the thread model instead of the activity trace: per thread CPU-bound or "
		      "its burst demand and sleep distributions, nice, affinity (implies --repair-idle; "
		      "docs/traces.md)",
		      NULL },
	[O_AFFINITY] = { "affinity", 0, "FILE", "with --model: lines 'TID CPULIST' giving threads' CPU affinity",
			 "file" },
	[O_MEASURED] = { "measured", 0, "MEAS.csv",
			 "write the recorded values as measured points (benchmark host) for hvsim calibrate", "csv" },
	[O_MIX] = { "mix", 0, "NAME",
		    "with --measured: the mix the rows' subjects name (default: TRACE's name; no '/', and short "
		    "enough for row ids MIX.THREAD.METRIC of at most 63 characters)",
		    NULL },
	[O_HVNAME] = { "hypervisor", 0, "NAME", "with --measured: the rows' hypervisor column (default linux)",
		       NULL },
	[O_MEMORY] = { "memory", 0, "SIZE", "with --measured: the rows' memory column (default 1GiB)", NULL },
	[O_USE] = { "use", 0, "fit|holdout", "with --measured: the rows' use (default fit)", NULL },
};

/* ----------------------------------------------------- the commands --- */

#define OPTS(...) ((const enum cmd_opt_id[]){ __VA_ARGS__, O_NOPTS })

const struct cmd cmd_defs[] = {
	{ "run", "SCEN.xml", 1, 1, "simulate a scenario; write summary.json and CSVs into DIR",
	  "Simulate SCEN.xml and write into DIR (default out/<scenario name>) summary.json (scenario, seed, "
	  "version, times, events, metrics with 95% confidence intervals) and the CSVs: workloads.csv, "
	  "pcpus.csv, vms.csv, entities.csv, devices.csv, threads.csv (replayed threads; header only without "
	  "them) and, as the workloads have them, specweb.csv, pages.csv, tail.csv, micro.csv, requests.csv "
	  "(docs/outputs.md).  Files are written to DIR.tmp-PID and renamed to DIR only when complete; DIR "
	  "must not exist unless --force.  Ends with a table per VM (throughput, "
	  "response time, QoS, steal, overhead) unless --quiet.",
	  OPTS(O_OUTPUT, O_FORCE, O_SEED, O_SET, O_TIMELINE, O_TIMELINE_MAX, O_GANTT, O_DUMP_AT, O_QUIET), NULL,
	  cmd_run },
	{ "validate", "FILE.xml", 1, 1, "check a scenario or a machine/hypervisor profile; print what would run",
	  "Check a scenario, or a machine or hypervisor profile, against the schema and for meaning; print "
	  "every error as file:line: ... and exit 2, or print what would run and exit 0.  A scenario's <sweep> "
	  "points are checked too.",
	  OPTS(O_SET), NULL, cmd_validate },
	{ "capacity", "SCEN.xml", 1, 1, "find the most users per VM that pass the scenario's QoS rule",
	  "Find the largest number of users per VM (the same in every VM) whose run passes the scenario's "
	  "<qos> rule (default: 97% of pages within 3 s and 99% within 5 s).  The users varied are those of the "
	  "closed workloads inside VMs named by <capacity workload=...> (default: all of them).  Each of "
	  "<capacity replications> searches with seed SEED+r (docs/capacity.md).  Writes capacity.csv, "
	  "capacity_probes.csv (every probe), capacity_replications.csv (each replication's answer), the "
	  "outputs of the run at capacity with placement.csv and, with SPECweb workloads, tail_fail.csv (the "
	  "tail.csv of the first failing probe above the answer) into DIR (default out/<scenario name>-capacity).",
	  OPTS(O_OUTPUT, O_FORCE, O_SEED, O_SET, O_JOBS, O_PROTOCOL), NULL, cmd_capacity },
	{ "sweep", "SCEN.xml", 1, 1, "run every point of the scenario's <sweep>; a row a point in sweep.csv",
	  "Run every point of the scenario's <sweep mode=\"run|capacity\">: each <vary key=... values=...> (or "
	  "from/to/step) gives values of one --set path; several make a Cartesian product, the first "
	  "outermost.  Writes into DIR (default out/<scenario name>-sweep) sweep.csv (a row a point, in point "
	  "order; wall_s last), sweep.settings and points/NNN/.  Each row is appended and synced as its point "
	  "finishes: an interrupted sweep keeps every finished point, and the same command again (or --resume) "
	  "runs only the missing ones (docs/sweep.md).",
	  OPTS(O_OUTPUT, O_FORCE, O_SEED, O_SET, O_JOBS, O_RESUME, O_REUSE, O_CACHE, O_PROTOCOL),
	  "0 every point done, 1 some point failed (the others are done), 2 bad usage or input (nothing run), "
	  "130 interrupted",
	  cmd_sweep },
	{ "calibrate", "CALIB.xml", 1, 1, "fit cost parameters to measured points, predict the held-out ones",
	  "Fit the parameters of CALIB.xml to its measured points by simulation, stage by stage (Nelder-Mead, "
	  "common random numbers, several starts), then predict the held-out points.  Writes into DIR "
	  "(default out/<name>-calib) report.txt, fit.csv, points.csv, quantities.csv and the calibrated "
	  "profiles (docs/calibration.md).  --set BENCH:KEY=VALUE changes a value in one benchmark's "
	  "simulations only (BENCH: specweb, bzip2, netperf, dd, host).  Every finished simulation is kept "
	  "in DIR.cache until DIR is written, so the same command after an interruption carries on; "
	  "--force starts afresh.",
	  OPTS(O_OUTPUT, O_FORCE, O_JOBS, O_VALUES, O_STAGES, O_KNOWN, O_SET, O_QUIET),
	  "0 done, 1 a simulation failed, 2 bad usage or input, 130 interrupted", cmd_calibrate },
	{ "explain", "DIR", 1, 1, "why the curves of a sweep stop growing: DIR/explain/",
	  "Read the output directory of hvsim sweep (mode run or capacity) and explain each curve over its "
	  "vm[NAME].count key: the plateau, the VCPU/pCPU ratio there, the saturated resource, and the per-VM "
	  "loss at each VM count split over its measured causes.  With --counterfactual SCEN.xml (a capacity "
	  "sweep's scenario), the chosen points are searched again with each cause removed (<ideal remove>) and "
	  "their capacity is split over the causes by Shapley values with 95% intervals, and curves are compared "
	  "at the same VM count; the searches are kept in DIR/counterfactual-runs.csv and reused.  Writes "
	  "DIR/explain/ (explain.txt, counterfactual.csv, Graphviz diagrams; .svg when dot is on PATH) in one "
	  "rename (docs/explain.md).",
	  OPTS(O_THRESHOLD, O_NO_RENDER, O_FORCE, O_COUNTERFACTUAL, O_POINTS, O_CAUSES, O_REPLICATIONS, O_JOBS, O_GRADE), NULL,
	  cmd_explain },
	{ "policies", "", 0, 0, "list the scheduling policies, their sources and parameters",
	  "List every scheduling policy (<policy name=...>), the source it follows, its parameters with their "
	  "defaults, and whether it can be co-scheduled strictly.",
	  OPTS(O_NOPTS), NULL, cmd_policies },
	{ "profiles", "", 0, 0, "list the machine and hypervisor profiles a scenario can name",
	  "List the machine and hypervisor profiles that <machine profile=\"NAME\"/> and <hypervisor "
	  "profile=\"NAME\"/> (or --set hypervisor.profile=NAME) find, in search order: the scenario's folder "
	  "first (not listed), then each folder of $HVSIM_PATH, the installed data folder and the source tree "
	  "hvsim was built from; a profile named with a slash or ending in .xml is a path relative to the "
	  "scenario.",
	  OPTS(O_NOPTS), NULL, cmd_profiles },
	{ "import", "FORMAT FILE", 2, 2, "convert a measured trace (apache-log, perf-sched) into an hvsim trace CSV",
	  "Convert FILE into one of hvsim's trace CSVs: FORMAT apache-log (Apache Common or Combined Log "
	  "Format: a request trace) or perf-sched (`perf script` text of the scheduler tracepoints: an "
	  "activity trace, or with --model a thread model for workload kind threads).  Malformed lines are "
	  "reported with their line numbers and skipped (docs/traces.md).  OUT.csv must not exist unless "
	  "--force is given; it is written to OUT.csv.tmp-PID and renamed when complete.",
	  OPTS(O_OUTPUT, O_FORCE, O_STRICT, O_REPAIR_IDLE, O_THREADS, O_MODEL, O_AFFINITY), "0 written, 1 the output could not be written, 2 bad usage or bad input "
				    "(no output file then)",
	  cmd_import },
	{ "compare", "TRACE.csv [RUN_DIR]", 1, 2, "recorded vs predicted per thread: CPU share, wake-up latency, dispatches",
	  "Compare an activity trace imported from a recording (hvsim import perf-sched) with the activity.csv "
	  "of an hvsim run of modelled threads (workload kind threads), thread by thread: CPU share, wake-up "
	  "latency (median, 95th percentile), run per dispatch, dispatches, and the validation's criteria; a "
	  "table on stdout and compare.csv in RUN_DIR (or -o).  --measured writes the recorded values as "
	  "measured points for hvsim calibrate (docs/validation.md).",
	  OPTS(O_OUTPUT, O_THREADS, O_MEASURED, O_MIX, O_HVNAME, O_MEMORY, O_USE),
	  "0 written (whatever the criteria say), 1 cannot write, 2 bad usage or input", cmd_compare },
};

#define NCMD (sizeof cmd_defs / sizeof cmd_defs[0])
const size_t cmd_ndefs = NCMD;

const struct cmd *const cmd_table[] = {
	&cmd_defs[0], &cmd_defs[1], &cmd_defs[2], &cmd_defs[3], &cmd_defs[4], &cmd_defs[5], &cmd_defs[6],
	&cmd_defs[7], &cmd_defs[8], &cmd_defs[9], NULL,
};

/* ----------------------------------------------------------- signals --- */

volatile sig_atomic_t cmd_interrupted;

static void on_signal(int sig)
{
	(void)sig;
	cmd_interrupted = 1;
}

void cmd_catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a hang-up (the terminal or the ssh session gone) stops the work as
	** SIGTERM does, so a sweep's point processes stop with it; under
	** nohup (ignored) it stays ignored */
	if (signal(SIGHUP, on_signal) == SIG_IGN)
		signal(SIGHUP, SIG_IGN);
}

/* ------------------------------------------------------------ parser --- */

int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "hvsim %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (hvsim %s --help)\n", c->name);
	return EXIT_USAGE;
}

static int takes(const struct cmd *c, enum cmd_opt_id id)
{
	for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++)
		if (*o == id)
			return 1;
	return 0;
}

/* Long: one case per option of the command table, each parsing and
** range-checking its value in a few lines; a table of parsers would
** scatter the limits that the man page quotes. */
static int parse_value(const struct cmd *c, enum cmd_opt_id id, const char *v, struct cmd_args *a)
{
	const struct opt_def *d = &cmd_opt_defs[id];
	char *end;
	switch (id) {
	case O_OUTPUT:
		if (!*v)
			return cmd_usage_error(c, "--%s: expected a path, got an empty one", d->lng);
		if (strlen(v) > OUT_DEST_MAX)   /* before the commands' buffers cut it */
			return cmd_usage_error(c, "--%s: expected a path of at most %d bytes, got %zu", d->lng,
					       OUT_DEST_MAX, strlen(v));
		a->output = v;
		return 0;
	case O_SEED: {
		uint64_t sd;
		if (units_u64(v, &sd, NULL))
			return cmd_usage_error(c, "--seed %s: expected %s", v, units_u64_why);
		a->seed = sd;
		a->has_seed = 1;
		return 0;
	}
	case O_SET: {
		/* the first '=' outside a selector's brackets: node[id=0].cores=3
		** is the key node[id=0].cores (which the key's reader judges) */
		const char *eq = v;
		for (int depth = 0; *eq && (*eq != '=' || depth > 0); eq++)
			depth += (*eq == '[') - (*eq == ']' && depth > 0);
		if (!*eq)
			eq = NULL;
		if (!eq || eq == v)
			return cmd_usage_error(c, "--set %s: expected KEY=VALUE", v);
		char *key = strndup(v, (size_t)(eq - v));
		if (!key)
			return cmd_usage_error(c, "out of memory");
		a->ov[a->nov++] = (struct scn_override){ key, eq + 1 };
		return 0;
	}
	case O_JOBS: {
		errno = 0;
		long j = strtol(v, &end, 10);
		if (errno || !*v || *end || j < 1 || j > 1024)
			return cmd_usage_error(c, "--jobs %s: expected a number of processes from 1 to 1024", v);
		a->jobs = (int)j;
		return 0;
	}
	case O_TIMELINE:
		a->timeline = v;
		return 0;
	case O_TIMELINE_MAX: {
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || n < 1 || n > 1000000000LL)
			return cmd_usage_error(c, "--timeline-max %s: expected a number of events from 1 to 1000000000", v);
		a->timeline_max = n;
		return 0;
	}
	case O_DUMP_AT: {
		const char *why = NULL;
		int64_t t;
		if (units_time(v, &t, &why) || t < 0)
			return cmd_usage_error(c, "--dump-at %s: expected a simulated time such as 10s%s%s", v,
					       why ? ": " : "", why ? why : "");
		a->dump_at = t;
		return 0;
	}
	case O_VALUES:
		a->values = v;
		return 0;
	case O_STAGES:
		a->stages = v;
		return 0;
	case O_KNOWN:
		a->known = v;
		return 0;
	case O_PROTOCOL:
		if (strcmp(v, "specweb") != 0)
			return cmd_usage_error(c, "--protocol: expected specweb, got '%s'", v);
		a->protocol = SCN_PROTOCOL_SPECWEB;
		return 0;
	case O_THRESHOLD: {
		/* read as a scenario's numbers are (no hex, no inf) */
		double p = 0;
		const char *why = NULL;
		if (units_number(v, &p, &why) || !(p > 0 && p < 1000))
			return cmd_usage_error(c, "--threshold: expected a percentage above 0 and below 1000, got '%s'",
					       v);
		a->threshold = p / 100;
		return 0;
	}
	case O_COUNTERFACTUAL:
		a->counterfactual = v;
		return 0;
	case O_GRADE:
		a->grade = v;
		return 0;
	case O_POINTS:
		a->points = v;
		return 0;
	case O_CAUSES: {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", v);
		char *save = NULL;
		a->causes = 0;
		for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			int cc = scn_ideal_find(t);
			if (cc < 0)
				return cmd_usage_error(c, "--causes: expected causes among switch, numa, lhp, paging, "
						       "emulation, emu-wait, nic, disk, pagecache, overcommit, got '%s'", t);
			a->causes |= 1u << cc;
		}
		if (!a->causes)
			return cmd_usage_error(c, "--causes: expected at least one cause");
		return 0;
	}
	case O_REPLICATIONS: {
		long n = strtol(v, &end, 10);
		if (!*v || *end || n < 1 || n > 16)
			return cmd_usage_error(c, "--replications %s: expected a number from 1 to 16", v);
		a->replications = (int)n;
		return 0;
	}
	case O_CACHE:
		if (!*v)
			return cmd_usage_error(c, "--cache: expected a directory, got an empty name");
		a->cache = v;
		return 0;
	case O_REUSE:
		if (!*v)
			return cmd_usage_error(c, "--reuse: expected a sweep's directory, got an empty name");
		a->reuse[a->nreuse++] = v;
		return 0;
	case O_THREADS:
		if (!*v)
			return cmd_usage_error(c, "--threads: expected a pattern, got an empty one");
		a->threads[a->nthreads++] = v;
		return 0;
	case O_AFFINITY:
	case O_MEASURED:
	case O_MIX:
	case O_HVNAME:
	case O_MEMORY:
	case O_USE:
		if (!*v)
			return cmd_usage_error(c, "--%s: expected a value, got an empty one", d->lng);
		*(id == O_AFFINITY ? &a->affinity : id == O_MEASURED ? &a->measured : id == O_MIX ? &a->mix
		  : id == O_HVNAME ? &a->hvname : id == O_MEMORY ? &a->memory : &a->use) = v;
		return 0;
	case O_FORCE:
	case O_GANTT:
	case O_RESUME:
	case O_QUIET:
	case O_NO_RENDER:
	case O_STRICT:
	case O_REPAIR_IDLE:
	case O_MODEL:
	case O_NOPTS:
		break;
	}
	return 0;
}

static void set_flag(enum cmd_opt_id id, struct cmd_args *a)
{
	switch (id) {
	case O_FORCE: a->force = 1; break;
	case O_GANTT: a->gantt = 1; break;
	case O_RESUME: a->resume = 1; break;
	case O_QUIET: a->quiet = 1; break;
	case O_NO_RENDER: a->no_render = 1; break;
	case O_STRICT: a->strict = 1; break;
	case O_REPAIR_IDLE: a->repair_idle = 1; break;
	case O_MODEL: a->model = a->repair_idle = 1; break;
	default: break;
	}
}

int cmd_parse(const struct cmd *c, int argc, char **argv, struct cmd_args *a)
{
	memset(a, 0, sizeof *a);
	a->dump_at = -1;
	a->ov = calloc((size_t)argc + 1, sizeof *a->ov);
	a->threads = calloc((size_t)argc + 1, sizeof *a->threads);
	a->reuse = calloc((size_t)argc + 1, sizeof *a->reuse);
	struct option lo[O_NOPTS + 2];
	char so[2 * O_NOPTS + 4];
	int nl = 0, ns = 0;
	so[ns++] = ':';   /* first: a missing value comes back as ':' */
	for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++) {
		const struct opt_def *d = &cmd_opt_defs[*o];
		lo[nl++] = (struct option){ d->lng, d->arg ? required_argument : no_argument, NULL, 256 + (int)*o };
		if (d->shrt) {
			so[ns++] = d->shrt;
			if (d->arg)
				so[ns++] = ':';
		}
	}
	lo[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[nl] = (struct option){ NULL, 0, NULL, 0 };
	so[ns++] = 'h';
	so[ns] = 0;
	if (!a->ov || !a->threads || !a->reuse)
		return cmd_usage_error(c, "out of memory");
	opterr = 0;
	optind = 0;   /* glibc: start afresh (cmd_main may run more than once) */
	int k, li;
	while ((k = getopt_long(argc, argv, so, lo, &li)) != -1) {
		const char *bad = argv[optind - 1];
		if (k == 'h') {
			cmd_help(c, stdout);
			return -1;   /* done: exit 0 */
		}
		if (k == ':')
			return cmd_usage_error(c, "%s needs a value", bad);
		if (k == '?') {
			if (optopt && optopt < 256)
				return cmd_usage_error(c, "unknown option '-%c'", optopt);
			return cmd_usage_error(c, "unknown option '%s'", bad);
		}
		enum cmd_opt_id id;
		if (k >= 256) {
			id = (enum cmd_opt_id)(k - 256);
		} else {
			for (id = 0; id < O_NOPTS; id++)
				if (cmd_opt_defs[id].shrt == k && takes(c, id))
					break;
		}
		if (cmd_opt_defs[id].arg) {
			int rc = parse_value(c, id, optarg, a);
			if (rc)
				return rc;
		} else {
			set_flag(id, a);
		}
	}
	for (int i = optind; i < argc; i++) {
		if (a->noperand >= c->max_operands)
			return cmd_usage_error(c, "unexpected argument '%s'", argv[i]);
		a->operand[a->noperand++] = argv[i];
	}
	if (a->noperand < c->min_operands)
		return cmd_usage_error(c, "missing %s", c->operands);
	if (a->force && a->resume)
		return cmd_usage_error(c, "--force and --resume: expected one of them (--force starts the sweep "
					  "again, --resume continues it)");
	return 0;
}

void cmd_args_free(struct cmd_args *a)
{
	for (int i = 0; i < a->nov; i++)
		free((char *)a->ov[i].key);
	free(a->ov);
	free(a->threads);
	free(a->reuse);
	a->ov = NULL;
	a->threads = NULL;
	a->reuse = NULL;
}

int cmd_load(const struct cmd_args *a, struct scenario *s)
{
	struct diag d = { 0 };
	int rc = scn_load(s, a->operand[0], a->ov, a->nov, 0, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (rc)
		return EXIT_USAGE;
	if (a->has_seed)
		s->seed = a->seed;
	scn_protocol(s, a->protocol);
	return 0;
}

void cmd_dest(const struct cmd_args *a, const struct scenario *s, const char *suffix, char *dest, size_t len)
{
	if (a->output)
		snprintf(dest, len, "%s", a->output);
	else
		snprintf(dest, len, "out/%s%s", s->name, suffix);
}

int cmd_jobs(const struct cmd_args *a)
{
	if (a->jobs)
		return a->jobs;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n > 1024 ? 1024 : n) : 1;
}

/* ------------------------------------------------------- dispatch --- */

int cmd_main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help_main(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	int rc;
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		cmd_help_main(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("hvsim %s\n", HVSIM_VERSION);
		return 0;
	}
	if (!strcmp(name, "--man")) {
		cmd_man(stdout);
		return 0;
	}
	if (!strcmp(name, "--completion")) {
		cmd_completion(stdout);
		return 0;
	}
	const struct cmd *c = NULL;
	for (int i = 0; cmd_table[i]; i++)
		if (!strcmp(cmd_table[i]->name, name))
			c = cmd_table[i];
	if (!c) {
		fprintf(stderr, "hvsim: unknown command '%s'; expected one of:", name);
		for (int i = 0; cmd_table[i]; i++)
			fprintf(stderr, "%s %s", i ? "," : "", cmd_table[i]->name);
		fputs("\n\n", stderr);
		cmd_help_main(stderr);
		return EXIT_USAGE;
	}
	struct cmd_args a;
	rc = cmd_parse(c, argc - 1, argv + 1, &a);
	if (rc < 0)
		rc = 0;     /* --help */
	else if (rc == 0)
		rc = c->run(c, &a);
	cmd_args_free(&a);
	return rc;
}
