/*
** Run outputs (see output.h).  Numbers are printed with %.9g so that the
** same run prints the same bytes; wall-clock figures sit on lines of
** their own ("wall_...") so determinism checks can skip them.
*/
/* renameat2(RENAME_EXCHANGE) (glibc >= 2.28): replacing an output
** directory by one atomic swap.  Without it, two renames. */
#define _GNU_SOURCE
#include "sim/output.h"
#include "models/io.h"
#include "models/workload.h"
#include "models/wl_micro.h"
#include "models/wl_requests.h"
#include "models/wl_specweb.h"
#include "models/vm.h"
#include "models/wl_activity.h"
#include "models/wl_burst.h"
#include "sim/dist.h"
#include "sim/timeline.h"

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

static int mkdir_p(const char *path)
{
	char *p = strdup(path);
	if (!p)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0777) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int r = mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
	free(p);
	return r;
}

/* rm -rf of name in directory dirfd, by file descriptors: no path is
** built, so removing works when memory has run out (a failed run's
** cleanup). */
static int rmrf_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (rmrf_at(fd, de->d_name))
			rc = -1;
	}
	closedir(d);
	if (unlinkat(dirfd, name, AT_REMOVEDIR))
		rc = -1;
	return rc;
}

int out_rmrf(const char *path)
{
	return rmrf_at(AT_FDCWD, path);
}

/* path without trailing slashes (malloc'd), or NULL. */
static char *trimmed(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, path, n);
		p[n] = 0;
	}
	return p;
}

/* Is pid a running process (another user's counts)? */
static int alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* Remove the entries of dir named <base>.tmp-<pid> or <base>.old-<pid>
** (any base when base is NULL) whose process has ended. */
static void clean_in(const char *dir, const char *base)
{
	size_t bl = base ? strlen(base) : 0;
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		const char *n = de->d_name, *t = n + bl;
		if (base && strncmp(n, base, bl))
			continue;
		if (!base) {
			/* the last ".tmp-" or ".old-" */
			const char *a = strstr(n, ".tmp-"), *b = strstr(n, ".old-");
			for (const char *q = a; q; q = strstr(q + 1, ".tmp-"))
				a = q;
			for (const char *q = b; q; q = strstr(q + 1, ".old-"))
				b = q;
			t = a > b ? a : b;
			if (!t || t == n)
				continue;
		}
		if (strncmp(t, ".tmp-", 5) && strncmp(t, ".old-", 5))
			continue;
		char *end;
		errno = 0;
		long pid = strtol(t + 5, &end, 10);
		if (errno || end == t + 5 || *end || pid <= 0 || pid == (long)getpid() || alive(pid))
			continue;
		rmrf_at(dirfd(d), n);
	}
	if (d)
		closedir(d);
}

void out_clean_stale(const char *path)
{
	char *p = trimmed(path);
	if (!p)
		return;
	char *slash = strrchr(p, '/');
	const char *base = slash ? slash + 1 : p;
	char *dir = slash ? strndup(p, (size_t)(slash - p)) : strdup(".");
	if (dir && slash == p)
		strcpy(dir, "/");
	if (dir && *base)
		clean_in(dir, base);
	free(dir);
	free(p);
}

void out_clean_stale_in(const char *dir)
{
	clean_in(dir, NULL);
}

/* Files only hvsim writes at the top of its output directories: one of
** them (or nothing at all) makes a directory --force may replace. */
static const char *const own_files[] = {
	"summary.json", "capacity.csv", "sweep.csv", "sweep.settings", "fit.csv", "report.txt", "explain.txt",
	NULL,
};

/* 1 if dir is empty or holds an hvsim output, 0 if not, -1 (errno) when
** it cannot be read. */
static int replaceable(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int any = 0, own = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		any = 1;
		for (int i = 0; own_files[i]; i++)
			own |= !strcmp(de->d_name, own_files[i]);
	}
	closedir(d);
	return own || !any;
}

/* The reason dest cannot be written in mode, or NULL: checked by
** out_begin before anything runs and again by out_commit. */
static int refuse(const char *dest, enum out_mode mode, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(dest, &st)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: cannot use: %s", dest, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a directory", dest);
		return -1;
	}
	if (mode == OUT_NEW) {
		snprintf(err, errlen,
			 "%s: exists; name a new directory with -o, or add --force to replace it "
			 "(outputs are never mixed with an existing directory's files)", dest);
		return -1;
	}
	if (mode == OUT_FORCE) {
		int r = replaceable(dest);
		if (r < 0) {
			snprintf(err, errlen, "%s: cannot read: %s", dest, strerror(errno));
			return -1;
		}
		if (r == 0) {
			snprintf(err, errlen,
				 "%s: exists and is not an hvsim output directory (none of summary.json, "
				 "capacity.csv, sweep.csv, fit.csv, report.txt, explain.txt); --force replaces "
				 "only those: remove it yourself or name another directory", dest);
			return -1;
		}
	}
	return 0;
}

/* out_begin failed: nothing staged, nothing for out_abort to remove. */
static int begin_failed(struct outdir *o)
{
	free(o->dest);
	free(o->stage);
	o->dest = o->stage = NULL;
	return -1;
}

int out_begin(struct outdir *o, const char *dest, enum out_mode mode, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->mode = mode;
	o->dest = trimmed(dest);
	if (!o->dest) {
		snprintf(err, errlen, "out of memory");
		return begin_failed(o);
	}
	const char *slash = strrchr(o->dest, '/');
	const char *base = slash ? slash + 1 : o->dest;
	if (!*dest || !*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen,
			 "'%s': expected a new directory to write into (outputs never go into an existing "
			 "directory such as '.'), such as out/NAME", dest);
		return begin_failed(o);
	}
	out_clean_stale(o->dest);
	if (refuse(o->dest, mode, err, errlen))
		return begin_failed(o);
	if (slash && slash != o->dest) {
		char *parent = strndup(o->dest, (size_t)(slash - o->dest));
		if (!parent || mkdir_p(parent)) {
			snprintf(err, errlen, "%s: cannot create: %s", parent ? parent : dest,
				 parent ? strerror(errno) : "out of memory");
			free(parent);
			return begin_failed(o);
		}
		free(parent);
	}
	size_t n = strlen(o->dest) + 32;
	o->stage = malloc(n);
	if (!o->stage) {
		snprintf(err, errlen, "out of memory");
		return begin_failed(o);
	}
	snprintf(o->stage, n, "%s.tmp-%ld", o->dest, (long)getpid());
	out_rmrf(o->stage);   /* this process's own, from an earlier failure */
	if (mkdir(o->stage, 0777)) {
		snprintf(err, errlen, "%s: cannot create: %s", o->stage, strerror(errno));
		return begin_failed(o);
	}
	return 0;
}

FILE *out_open(struct outdir *o, const char *name)
{
	char *p = malloc(strlen(o->stage) + strlen(name) + 2);
	if (!p)
		return NULL;
	sprintf(p, "%s/%s", o->stage, name);
	FILE *f = fopen(p, "w");
	free(p);
	return f;
}

char *out_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	errno = 0;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 65536;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		size_t k = fread(buf + n, 1, 4096, f);
		n += k;
		if (k < 4096)
			break;
	}
	int bad = ferror(f), e = errno;
	fclose(f);
	if (bad) {
		free(buf);
		errno = e ? e : EIO;
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* Swap directories a and b; 0 or -1 (errno).  One renameat2 where the
** kernel and file system have it; else a through a.old-PID. */
static int exchange(const char *a, const char *b)
{
#if defined(RENAME_EXCHANGE)
	if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	size_t n = strlen(b) + 32;
	char *old = malloc(n);
	if (!old)
		return -1;
	snprintf(old, n, "%s.old-%ld", b, (long)getpid());
	int rc = -1;
	if (rename(b, old) == 0) {
		if (rename(a, b) == 0 && rename(old, a) == 0) {
			rc = 0;
		} else {
			int e = errno;
			rename(old, b);
			errno = e;
		}
	}
	free(old);
	return rc;
}

int out_commit(struct outdir *o, char *err, size_t errlen)
{
	if (!o->stage) {
		snprintf(err, errlen, "nothing staged");
		return -1;
	}
	struct stat st;
	if (lstat(o->dest, &st) != 0 && errno == ENOENT) {
		if (rename(o->stage, o->dest) == 0)
			return 0;
		snprintf(err, errlen, "%s: cannot move %s into place: %s; not written", o->dest, o->stage,
			 strerror(errno));
		return -1;
	}
	/* dest exists: appeared while this ran (OUT_NEW), or to be replaced */
	if (refuse(o->dest, o->mode, err, errlen)) {
		size_t l = strlen(err);
		snprintf(err + l, errlen - l, " (it appeared while this ran); not written");
		return -1;
	}
	if (exchange(o->stage, o->dest)) {
		snprintf(err, errlen, "%s: cannot replace it with %s: %s; not written", o->dest, o->stage,
			 strerror(errno));
		return -1;
	}
	/* the new outputs are in place; the old ones are at the stage path */
	out_rmrf(o->stage);
	return 0;
}

void out_abort(struct outdir *o)
{
	if (o->stage)
		out_rmrf(o->stage);
}

/* ---------------------------------------------------------------- json */

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
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
** memory is remote from every pCPU, at the mean of the matrix. */
static double remote_stall_s(const struct world *w, const struct entity *e)
{
	const struct machine *m = &w->mach;
	double ms = e->mem_share;
	if (ms <= 0 || m->nnodes <= 1 || e->mem_node == MEM_UNPLACED)
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
			(unsigned long long)vm->lock_acquired, (unsigned long long)vm->lock_contended, t.stall,
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
				fprintf(f, "%s/%s,%s,%d,%.9g,%.9g,%.9g,%.9g,%.9g,,%llu,%llu,\n", a->vm->name, a->cfg->name,
					t->name, t->pid, (double)t->recorded_run / 1e9,
					a->span > 0 ? (double)t->recorded_run / (double)a->span : 0,
					(double)t->g_run / 1e9, measured > 0 ? (double)t->g_run / measured : 0,
					(double)t->g_wait / 1e9, (unsigned long long)t->g_bursts,
					(unsigned long long)t->recorded_dispatches);
				continue;
			}
			fprintf(f, "%s,%s,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%llu,%llu,%llu\n", a->cfg->name, e->name,
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
		{ "micro.csv", write_micro },
		{ "requests.csv", write_requests },
	};
	const struct wlset *s = w->wl;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		/* a kind's file only when the scenario has that kind */
		if ((files[i].fn == write_specweb || files[i].fn == write_pages) && !(s && s->nweb))
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

/* Per entity and pCPU, its run time inside the measured interval, from
** the segments the in-memory timeline kept (timeline_open(w, NULL, 1)).
** Rows in entity order, then pCPU; only pairs that ran.  share is the
** pair's part of the entity's recorded run time (the recording stops at
** TIMELINE_MAX_EVENTS segments: shares stay those of what was kept). */
int out_write_placement(struct outdir *o, const struct world *w)
{
	const struct timeline *t = w->tl;
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
