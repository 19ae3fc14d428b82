/*
** The command table: every hvsim command with its synopsis, options and
** handler, in one place.  The option parser (getopt_long), every --help,
** the man page (hvsim.1) and the bash completion are made from it, so
** they cannot disagree, and every command takes an option with the same
** spelling, limits and message.
*/
#ifndef HVSIM_CMD_H
#define HVSIM_CMD_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/scenario/scenario.h"

#define EXIT_RUNFAIL 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

/* The options, by id; a command lists the ones it takes. */
enum cmd_opt_id {
	O_OUTPUT, O_FORCE, O_SEED, O_SET, O_JOBS, O_TIMELINE, O_GANTT, O_DUMP_AT, O_RESUME,
	O_VALUES, O_STAGES, O_QUIET, O_THRESHOLD, O_NO_RENDER, O_STRICT, O_REPAIR_IDLE, O_THREADS, O_MODEL,
	O_AFFINITY, O_MEASURED, O_MIX, O_HVNAME, O_MEMORY, O_USE, O_PROTOCOL, O_KNOWN, O_TIMELINE_MAX,
	O_COUNTERFACTUAL, O_POINTS, O_CAUSES, O_REPLICATIONS, O_GRADE, O_REUSE, O_CACHE, O_NOPTS
};

/* What a command line says, parsed and checked. */
struct cmd_args {
	const char *operand[4];
	int noperand;
	const char *output, *timeline, *values, *stages, *known;
	int force, gantt, resume, quiet, no_render, strict;
	int protocol;                 /* --protocol: SCN_PROTOCOL_*; 0 the scenario's own */
	int repair_idle, model;       /* import perf-sched */
	const char *affinity, *measured, *mix, *hvname, *memory, *use;
	const char **threads;         /* every --threads pattern, NULL-terminated */
	int nthreads;
	const char **reuse;           /* every --reuse DIR, NULL-terminated */
	int nreuse;
	const char *cache;            /* --cache DIR: a store of replications (sweep) */
	int jobs;                     /* 0: not given */
	int has_seed;
	unsigned long long seed;
	int64_t dump_at;              /* -1: not given */
	long long timeline_max;       /* --timeline-max; 0: the default cap */
	double threshold;             /* fraction; 0: not given */
	const char *counterfactual;   /* explain: the sweep's scenario to search again */
	const char *grade;            /* explain: statements to grade */
	const char *points;           /* explain: which points */
	unsigned causes;              /* explain: causes to remove (bits 1 << SCN_IDEAL_*); 0: all */
	int replications;             /* explain: per counterfactual search; 0: not given */
	struct scn_override *ov;      /* every --set, in order */
	int nov;
};

struct cmd {
	const char *name;
	const char *operands;         /* "SCEN.xml" */
	int min_operands, max_operands;
	const char *summary;          /* one line */
	const char *description;      /* paragraphs, for --help and the man page */
	const enum cmd_opt_id *opts;  /* ends with O_NOPTS */
	const char *exit_status;      /* NULL: the common rule */
	int (*run)(const struct cmd *c, struct cmd_args *a);
};

extern const struct cmd *const cmd_table[];

/* Set by SIGINT/SIGTERM once a command installed cmd_catch_signals. */
extern volatile sig_atomic_t cmd_interrupted;
void cmd_catch_signals(void);

/* Parse argv (argv[0] the command's name) for c into a; 0 to run it, -1
** after printing --help (exit 0), EXIT_USAGE after a message. */
int cmd_parse(const struct cmd *c, int argc, char **argv, struct cmd_args *a);
void cmd_args_free(struct cmd_args *a);

/* hvsim ARGS: the whole command line (argv[0] the program); returns the
** exit status. */
int cmd_main(int argc, char **argv);

/* Load the scenario operand with the --set values and --seed; errors on
** stderr.  0 or EXIT_USAGE (nothing to free then). */
int cmd_load(const struct cmd_args *a, struct scenario *s);

/* The output directory: -o, else out/<scenario name><suffix>. */
void cmd_dest(const struct cmd_args *a, const struct scenario *s, const char *suffix, char *dest, size_t len);

/* Processes to run at once: -j, else the online CPUs. */
int cmd_jobs(const struct cmd_args *a);

/* "hvsim NAME: " + message on stderr, then EXIT_USAGE. */
int cmd_usage_error(const struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cmd_help(const struct cmd *c, FILE *f);   /* hvsim NAME --help */
void cmd_help_main(FILE *f);                   /* hvsim --help */
void cmd_man(FILE *f);                         /* hvsim.1, troff */
void cmd_completion(FILE *f);                  /* bash completion */

/* The handlers (one file each in sim/cmd/). */
int cmd_run(const struct cmd *c, struct cmd_args *a);
int cmd_validate(const struct cmd *c, struct cmd_args *a);
int cmd_capacity(const struct cmd *c, struct cmd_args *a);
int cmd_sweep(const struct cmd *c, struct cmd_args *a);
int cmd_calibrate(const struct cmd *c, struct cmd_args *a);
int cmd_explain(const struct cmd *c, struct cmd_args *a);
int cmd_policies(const struct cmd *c, struct cmd_args *a);
int cmd_import(const struct cmd *c, struct cmd_args *a);
int cmd_compare(const struct cmd *c, struct cmd_args *a);
int cmd_profiles(const struct cmd *c, struct cmd_args *a);

#endif
