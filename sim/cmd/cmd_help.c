/*
** What the command table says as text (cmd.h): --help of hvsim and of
** each command, the man page (roff) and the bash completion.
*/
#include "sim/cmd/cmd.h"
#include "sim/cmd/cmd_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char common_exit[] = "0 success, 1 the run failed, 2 bad usage or bad input, 130 interrupted";

/* import's -o is a file */
static const char *arg_name(const struct cmd *c, enum cmd_opt_id id)
{
	return id == O_OUTPUT && (!strcmp(c->name, "import") || !strcmp(c->name, "compare")) ? "OUT.csv"
											       : cmd_opt_defs[id].arg;
}

static const char *opt_help(const struct cmd *c, enum cmd_opt_id id)
{
	if (id == O_OUTPUT && strcmp(c->name, "import") == 0)
		return "the CSV to write (required)";
	if (id == O_FORCE && strcmp(c->name, "import") == 0)
		return "replace OUT.csv if it exists (once the new one is complete)";
	if (id == O_OUTPUT && strcmp(c->name, "compare") == 0)
		return "the comparison CSV (default RUN_DIR/compare.csv)";
	if (id == O_SEED && (strcmp(c->name, "capacity") == 0 || strcmp(c->name, "sweep") == 0))
		return "replace the scenario's seed (a capacity search's replication r uses N+r, so seeds "
		       "closer than its replications share some: docs/capacity.md)";
	return cmd_opt_defs[id].help;
}


/* -------------------------------------------------------------- help --- */

/* s wrapped at width, every line indented by ind. */
static void wrap(FILE *f, const char *s, int ind, int width)
{
	int col = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		const char *e = s;
		while (*e && *e != ' ')
			e++;
		int n = (int)(e - s);
		if (col > 0 && col + 1 + n > width) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0) {
			fprintf(f, "%*s", ind, "");
			col = ind;
		} else {
			fputc(' ', f);
			col++;
		}
		fwrite(s, 1, (size_t)n, f);
		col += n;
		s = e;
	}
	if (col)
		fputc('\n', f);
}

static void synopsis(const struct cmd *c, FILE *f)
{
	fprintf(f, "hvsim %s%s%s", c->name, *c->operands ? " " : "", c->operands);
	for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++) {
		const struct opt_def *d = &cmd_opt_defs[*o];
		/* import's -o is required: no brackets */
		int req = *o == O_OUTPUT && strcmp(c->name, "import") == 0;
		if (d->shrt)
			fprintf(f, " %s-%c%s%s%s", req ? "" : "[", d->shrt, d->arg ? " " : "", d->arg ? arg_name(c, *o) : "",
				req ? "" : "]");
		else
			fprintf(f, " [--%s%s%s]", d->lng, d->arg ? " " : "", d->arg ? arg_name(c, *o) : "");
		if (*o == O_SET || *o == O_THREADS || *o == O_REUSE)
			fputs("...", f);
	}
}

void cmd_help(const struct cmd *c, FILE *f)
{
	fputs("usage: ", f);
	synopsis(c, f);
	fputs("\n\n", f);
	wrap(f, c->description, 0, 78);
	fputs("\noptions:\n", f);
	for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++) {
		const struct opt_def *d = &cmd_opt_defs[*o];
		char head[64];
		const char *an = arg_name(c, *o);
		if (d->shrt)
			snprintf(head, sizeof head, "-%c, --%s%s%s", d->shrt, d->lng, an ? " " : "", an ? an : "");
		else
			snprintf(head, sizeof head, "--%s%s%s", d->lng, an ? " " : "", an ? an : "");
		fprintf(f, "  %s\n", head);
		wrap(f, opt_help(c, *o), 6, 78);
	}
	fputs("  -h, --help\n      this text\n\nexit status: ", f);
	fputs(c->exit_status ? c->exit_status : common_exit, f);
	fputs("\n", f);
}

void cmd_help_main(FILE *f)
{
	fputs("usage: hvsim <command> [options]\n\n"
	      "hvsim simulates how hypervisors multiplex VCPUs on NUMA machines.\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < cmd_ndefs; i++)
		fprintf(f, "  %-10s %s\n", cmd_defs[i].name, cmd_defs[i].summary);
	fputs("\n  hvsim <command> --help   a command's options\n"
	      "  hvsim --version          the version\n"
	      "  hvsim --man              the manual page (troff), as installed as hvsim.1\n"
	      "  hvsim --completion       a bash completion script\n"
	      "  mpirun -np N hvsim sweep|capacity|calibrate ...   the same work over N MPI ranks,\n"
	      "                           the same outputs (docs/cluster.md)\n\n"
	      "exit status: ",
	      f);
	fputs(common_exit, f);
	fputs("\n", f);
}

/* troff text: a leading dot or quote escaped, backslashes and hyphens
** of option names kept literal. */
static void roff(FILE *f, const char *s)
{
	int bol = 1;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
		bol = *s == '\n';
	}
}

void cmd_man(FILE *f)
{
	fprintf(f, ".TH HVSIM 1 \"\" \"hvsim %s\" \"User Commands\"\n", HVSIM_VERSION);
	fputs(".SH NAME\nhvsim \\- simulate hypervisor VCPU scheduling and NUMA overhead\n.SH SYNOPSIS\n", f);
	for (size_t i = 0; i < cmd_ndefs; i++) {
		fputs(".br\n", f);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m) {
			synopsis(&cmd_defs[i], m);
			fclose(m);
			fputs(".B ", f);
			roff(f, buf);
			fputc('\n', f);
			free(buf);
		}
	}
	fputs(".br\n.B hvsim \\-\\-help | \\-\\-version | \\-\\-man | \\-\\-completion\n", f);
	fputs(".SH DESCRIPTION\nhvsim is a trace-driven discrete-event simulator of how hypervisors (KVM on the "
	      "Linux scheduler, Xen's credit scheduler, VirtualBox) multiplex virtual CPUs on the physical "
	      "cores of a NUMA machine, with the device-emulation costs of each.  Scenarios are XML files "
	      "checked by a schema; every command that writes creates a new output directory in one rename.\n",
	      f);
	fputs(".SH COMMANDS\n", f);
	for (size_t i = 0; i < cmd_ndefs; i++) {
		const struct cmd *c = &cmd_defs[i];
		fprintf(f, ".SS %s", c->name);
		if (*c->operands) {
			fputc(' ', f);
			roff(f, c->operands);
		}
		fputs("\n", f);
		roff(f, c->description);
		fputs("\n", f);
		for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++) {
			const struct opt_def *d = &cmd_opt_defs[*o];
			const char *an = arg_name(c, *o);
			fputs(".TP\n.B ", f);
			if (d->shrt)
				fprintf(f, "\\-%c, ", d->shrt);
			fputs("\\-\\-", f);
			roff(f, d->lng);
			if (an) {
				fputs(" \\fI", f);
				roff(f, an);
				fputs("\\fR", f);
			}
			fputs("\n", f);
			roff(f, opt_help(c, *o));
			fputs("\n", f);
		}
		if (c->exit_status) {
			fputs(".PP\nExit status: ", f);
			roff(f, c->exit_status);
			fputs(".\n", f);
		}
	}
	fputs(".SH EXIT STATUS\n", f);
	roff(f, common_exit);
	fputs(", unless a command says otherwise.\n", f);
	fputs(".SH ENVIRONMENT\n.TP\n.B HVSIM_PATH\nfolders (colon-separated) searched for profiles named without a "
	      "path, after the scenario's own folder and before the installed data folder (hvsim profiles)\n",
	      f);
	fputs(".SH MPI\nBuilt with Open MPI, \\fBmpirun -np\\fR \\fIN\\fR \\fBhvsim sweep\\fR|\\fBcapacity\\fR|"
	      "\\fBcalibrate\\fR ... (or srun) runs the same units of work over N ranks, one at a time each, "
	      "rank 0 included; rank 0 alone writes the outputs, which are the same as with -j 1.  "
	      "HVSIM_CLUSTER_STATS=1 prints rank 0's work per pool; HVSIM_CLUSTER_MANAGER_ONLY=1 keeps rank 0 "
	      "from running units; HVSIM_CLUSTER_VERBOSE=1 keeps the other ranks' messages.  See docs/cluster.md.\n",
	      f);
	fputs(".SH FILES\nThe shipped machine and hypervisor profiles and scenarios are installed under "
	      "PREFIX/share/hvsim; the documentation of every file format is in the source tree's docs/.\n",
	      f);
	fputs(".SH SEE ALSO\n.BR dot (1),\n.BR gnuplot (1),\n.BR perf-sched (1)\n", f);
}

/* What completes a value of each kind an option or operand takes. */
static const char *const kinds[][2] = {
	{ "dir", "compgen -d -- \"$cur\"" },
	{ "json", "compgen -f -X '!*.json' -- \"$cur\"; compgen -d -- \"$cur\"" },
	{ "csv", "compgen -f -X '!*.csv' -- \"$cur\"; compgen -d -- \"$cur\"" },
	{ "xml", "compgen -f -X '!*.xml' -- \"$cur\"; compgen -d -- \"$cur\"" },
	{ "file", "compgen -f -- \"$cur\"" },
};

static const char *kind_compgen(const char *kind)
{
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strcmp(kinds[k][0], kind) == 0)
			return kinds[k][1];
	return kinds[4][1];
}

void cmd_completion(FILE *f)
{
	fputs("# bash completion for hvsim (generated by hvsim --completion)\n"
	      "_hvsim()\n{\n"
	      "\tlocal cur prev cmd\n"
	      "\tcur=${COMP_WORDS[COMP_CWORD]}\n"
	      "\tprev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tcmd=${COMP_WORDS[1]}\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W '",
	      f);
	for (size_t i = 0; i < cmd_ndefs; i++)
		fprintf(f, "%s ", cmd_defs[i].name);
	fputs("--help --version --man --completion' -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase \"$prev\" in\n", f);
	/* options whose value is a file or directory */
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		int n = 0;
		for (int id = 0; id < O_NOPTS; id++)
			if (cmd_opt_defs[id].complete && strcmp(cmd_opt_defs[id].complete, kinds[k][0]) == 0) {
				fprintf(f, "%s--%s", n++ ? "|" : "\t", cmd_opt_defs[id].lng);
				if (cmd_opt_defs[id].shrt)
					fprintf(f, "|-%c", cmd_opt_defs[id].shrt);
			}
		if (n)
			fprintf(f, ")\n\t\tCOMPREPLY=($(%s))\n\t\treturn ;;\n", kinds[k][1]);
	}
	fputs("\tesac\n\tcase \"$cmd\" in\n", f);
	for (size_t i = 0; i < cmd_ndefs; i++) {
		const struct cmd *c = &cmd_defs[i];
		fprintf(f, "\t%s)\n\t\tif [[ \"$cur\" == -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W '", c->name);
		for (const enum cmd_opt_id *o = c->opts; *o != O_NOPTS; o++)
			fprintf(f, "--%s ", cmd_opt_defs[*o].lng);
		fputs("--help' -- \"$cur\"))\n\t\telse\n", f);
		/* the operands by their names in the synopsis: DIR, FORMAT FILE,
		** TRACE.csv [RUN_DIR], SCEN.xml; none for policies and profiles */
		if (!*c->operands)
			fputs("\t\t\tCOMPREPLY=()\n", f);
		else if (strcmp(c->name, "import") == 0)
			fputs("\t\t\tif [ \"$COMP_CWORD\" -eq 2 ]; then COMPREPLY=($(compgen -W 'apache-log perf-sched' "
			      "-- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n",
			      f);
		else
			fprintf(f, "\t\t\tCOMPREPLY=($(%s))\n",
				kind_compgen(strcmp(c->operands, "DIR") == 0 ? "dir"
					     : strstr(c->operands, ".csv")   ? "csv"
									     : "xml"));
		fputs("\t\tfi ;;\n", f);
	}
	fputs("\tesac\n}\ncomplete -o filenames -F _hvsim hvsim\n", f);
}
