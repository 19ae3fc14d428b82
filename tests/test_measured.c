/*
** Tests for traces/measured: the shipped paper data (traces/data/paper.csv)
** loads with the rows the paper's text states, each citing its section and
** statement and marked fit or holdout; every bad file in
** tests/data/measured/ (one defect each, plus one with many) gives exactly
** the messages of its .expect file; a row's error against simulated values,
** for each kind, equals the value worked out by hand.
*/
#include "tests/cutest.h"
#include "traces/measured.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA "tests/data/measured/"
#define PAPER "traces/data/paper.csv"
#define GIB (1024.0 * 1024.0 * 1024.0)

static const struct meas_point *row(const struct meas_set *s, const char *id)
{
	long i = meas_find(s, id);
	if (i < 0)
		fprintf(stderr, "\n  no row %s\n", id);
	CU_ASSERT_FATAL(i >= 0);
	return &s->p[i];
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Load path, which must be good. */
static void load_good(const char *path, struct meas_set *s)
{
	struct diag d = { 0 };
	int rc = meas_load(path, &d, s);
	if (rc)
		diag_print(&d, stderr);
	diag_free(&d);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* ---- the paper ------------------------------------------------------ */

static void test_paper_values(void)
{
	struct meas_set s;
	load_good(PAPER, &s);

	int kinds[MEAS_NKIND] = { 0 };
	for (size_t i = 0; i < s.n; i++)
		kinds[s.p[i].kind]++;
	CU_ASSERT_EQUAL(s.n, 104);
	CU_ASSERT_EQUAL(kinds[MEAS_VALUE], 6);
	CU_ASSERT_EQUAL(kinds[MEAS_RANGE], 4);
	CU_ASSERT_EQUAL(kinds[MEAS_RATIO], 54);
	CU_ASSERT_EQUAL(kinds[MEAS_DIFF], 3);
	CU_ASSERT_EQUAL(kinds[MEAS_UNSTATED], 37);

	/* P1: the two scores the text gives, and Xen between them. */
	const struct meas_point *p = row(&s, "P1-kvm");
	CU_ASSERT_EQUAL(p->kind, MEAS_VALUE);
	CU_ASSERT_EQUAL(p->use, MEAS_FIT);
	CU_ASSERT_EQUAL(p->bench, MEAS_SPECWEB);
	CU_ASSERT_STRING_EQUAL(p->hypervisor, "kvm-75");
	CU_ASSERT_EQUAL(p->vms, 1);
	CU_ASSERT_EQUAL(p->vcpus, 1);
	CU_ASSERT_DOUBLE_EQUAL(p->memory, 1.5 * GIB, 0);
	CU_ASSERT_EQUAL(p->metric, MEAS_RATIO_TO_NATIVE);
	CU_ASSERT_DOUBLE_EQUAL(p->value, 0.26, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(p->uncertainty, 0.005, 1e-12);
	CU_ASSERT_TRUE(isinf(p->low) && isinf(p->high));
	CU_ASSERT_PTR_NULL(p->ref_id);
	char q[160];
	CU_ASSERT_STRING_EQUAL(meas_quantity(p, q, sizeof q),
			       "specweb kvm-75 vms=1 vcpus=1 mem=1.5GiB ratio_to_native");
	p = row(&s, "P1-vbox");
	CU_ASSERT_STRING_EQUAL(p->hypervisor, "vbox-2.0.6");
	CU_ASSERT_DOUBLE_EQUAL(p->value, 0.2, 1e-12);
	p = row(&s, "P1-xen-below-kvm");
	CU_ASSERT_EQUAL(p->kind, MEAS_RATIO);
	CU_ASSERT_TRUE(isinf(p->low) && p->low < 0);
	CU_ASSERT_DOUBLE_EQUAL(p->high, 1, 0);
	CU_ASSERT_STRING_EQUAL(s.p[p->ref].id, "P1-kvm");
	p = row(&s, "P1-xen-above-vbox");
	CU_ASSERT_DOUBLE_EQUAL(p->low, 1, 0);
	CU_ASSERT_STRING_EQUAL(s.p[p->ref].id, "P1-vbox");

	/* P2: 1250 is stated; 800 is not (a gain of 450), so it is a diff. */
	p = row(&s, "P2-native-3g");
	CU_ASSERT_STRING_EQUAL(p->hypervisor, "native");
	CU_ASSERT_EQUAL(p->vcpus, 2);
	CU_ASSERT_DOUBLE_EQUAL(p->memory, 3 * GIB, 0);
	CU_ASSERT_DOUBLE_EQUAL(p->value, 1250, 0);
	p = row(&s, "P2-native-gain");
	CU_ASSERT_EQUAL(p->kind, MEAS_DIFF);
	CU_ASSERT_DOUBLE_EQUAL(p->low, 425, 0);
	CU_ASSERT_DOUBLE_EQUAL(p->high, 475, 0);
	const struct meas_point *b = &s.p[p->ref];
	CU_ASSERT_STRING_EQUAL(b->id, "F2-native");
	CU_ASSERT_EQUAL(b->kind, MEAS_UNSTATED);
	CU_ASSERT_DOUBLE_EQUAL(b->memory, 1.5 * GIB, 0);
	p = row(&s, "P2-kvm-gain");
	CU_ASSERT_EQUAL(p->vcpus, 2);
	CU_ASSERT_EQUAL(s.p[p->ref].vcpus, 1);

	/* P3, P4's 900, P5's 1200. */
	p = row(&s, "P3-native");
	CU_ASSERT_EQUAL(p->vcpus, 8);
	CU_ASSERT_DOUBLE_EQUAL(p->memory, 16 * GIB, 0);
	CU_ASSERT_DOUBLE_EQUAL(p->value, 2750, 0);
	CU_ASSERT_DOUBLE_EQUAL(row(&s, "P4-native")->value, 900, 0);
	p = row(&s, "P5-kvm-peak");
	CU_ASSERT_EQUAL(p->metric, MEAS_PEAK_CUMULATIVE);
	CU_ASSERT_DOUBLE_EQUAL(p->value, 1200, 0);
	CU_ASSERT_EQUAL(p->use, MEAS_HOLDOUT);
	p = row(&s, "P4-per-vm-kvm");
	CU_ASSERT_EQUAL(p->kind, MEAS_RANGE);
	CU_ASSERT_TRUE(isinf(p->low));
	CU_ASSERT_DOUBLE_EQUAL(p->high, 350, 0);

	/* Relations: "5% worse than Xen" as a time ratio, "stops growing". */
	p = row(&s, "P11-kvm-xen-5");
	CU_ASSERT_EQUAL(p->metric, MEAS_SECONDS);
	CU_ASSERT_DOUBLE_EQUAL(p->low, 1.026, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(p->high, 1.081, 1e-12);
	CU_ASSERT_STRING_EQUAL(s.p[p->ref].hypervisor, "xen-3.3.0");
	CU_ASSERT_EQUAL(s.p[p->ref].vms, 5);
	p = row(&s, "P5-kvm-flat-10");
	CU_ASSERT_DOUBLE_EQUAL(p->high, 1.05, 1e-12);
	CU_ASSERT_EQUAL(s.p[p->ref].vms, 4);
	CU_ASSERT_EQUAL(s.p[p->ref].vcpus, 2);
	meas_free(&s);
}

/* Every row cites the paper's section and its statement, the fit and
** holdout sets follow the protocol, and every unstated quantity is
** something a relation refers to. */
static void test_paper_provenance(void)
{
	static const char *const fit[] = { "P1-", "P2-", "P3-", "P9-", "P10-", "P11-" };
	static const char *const holdout[] = { "P4-", "P5-", "P6-", "P7-", "P8-" };
	struct meas_set s;
	load_good(PAPER, &s);
	int nfit = 0, nhold = 0;
	for (size_t i = 0; i < s.n; i++) {
		const struct meas_point *p = &s.p[i];
		CU_ASSERT_TRUE(starts_with(p->source, "Bastoni et al. sec. "));
		if (p->kind == MEAS_UNSTATED) {
			CU_ASSERT_EQUAL(p->use, MEAS_USE_NONE);
			CU_ASSERT_TRUE(p->id[0] == 'F');
			CU_ASSERT_PTR_NOT_NULL(strstr(p->source, "(not in the text)"));
			int referred = 0;
			for (size_t j = 0; j < s.n; j++)
				referred |= s.p[j].ref_id && s.p[j].ref == i;
			if (!referred)
				fprintf(stderr, "\n  %s: nothing refers to it\n", p->id);
			CU_ASSERT_TRUE(referred);
			continue;
		}
		/* "P11-kvm-xen-1" cites "...; P11" (maybe "; P5, P13"). */
		char tag[8];
		size_t n = strcspn(p->id, "-");
		CU_ASSERT_FATAL(n < sizeof tag);
		snprintf(tag, sizeof tag, "; %.*s", (int)n, p->id);
		const char *at = strstr(p->source, tag);
		CU_ASSERT_TRUE(at && (at[strlen(tag)] == 0 || at[strlen(tag)] == ','));
		CU_ASSERT_TRUE(strlen(p->note) > 20);
		int want = 0;
		for (size_t k = 0; k < sizeof fit / sizeof fit[0]; k++)
			if (starts_with(p->id, fit[k]))
				want = MEAS_FIT;
		for (size_t k = 0; k < sizeof holdout / sizeof holdout[0]; k++)
			if (starts_with(p->id, holdout[k]))
				want = MEAS_HOLDOUT;
		if ((int)p->use != want)
			fprintf(stderr, "\n  %s: use %s\n", p->id, meas_use_name(p->use));
		CU_ASSERT_EQUAL((int)p->use, want);
		nfit += p->use == MEAS_FIT;
		nhold += p->use == MEAS_HOLDOUT;
		/* a relation never relates a quantity to itself */
		if (p->ref_id)
			CU_ASSERT_FALSE(meas_same_quantity(p, &s.p[p->ref]));
	}
	CU_ASSERT_EQUAL(nfit, 26);
	CU_ASSERT_EQUAL(nhold, 41);
	/* P13 is cited where the plateaus meet the 8 physical CPUs. */
	CU_ASSERT_PTR_NOT_NULL(strstr(row(&s, "P5-kvm-grows")->source, "P13"));
	CU_ASSERT_PTR_NOT_NULL(strstr(row(&s, "P7-vbox-8")->source, "P13"));
	meas_free(&s);
}

/* ---- bad files ------------------------------------------------------ */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Each tests/data/measured/NAME.csv but good-*.csv fails with exactly the
** messages in NAME.expect, one per line, in order. */
static void test_bad_corpus(void)
{
	DIR *dir = opendir(DATA);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	struct dirent *de;
	int files = 0;
	while ((de = readdir(dir))) {
		if (!ends_with(de->d_name, ".csv") || starts_with(de->d_name, "good"))
			continue;
		char path[512], expect[512];
		snprintf(path, sizeof path, DATA "%s", de->d_name);
		snprintf(expect, sizeof expect, "%.*s.expect", (int)strlen(path) - 4, path);
		char *want = cut_slurp(expect, NULL);
		if (!want) {
			printf("\n    %s has no .expect file", path);
			CU_FAIL("bad file without its expected messages");
			continue;
		}
		struct meas_set s;
		struct diag d = { 0 };
		int rc = meas_load(path, &d, &s);
		size_t len = 1;
		for (int i = 0; i < d.n; i++)
			len += strlen(d.msg[i]) + 1;
		char *got = malloc(len), *o = got;
		*o = 0;
		for (int i = 0; i < d.n; i++)
			o += sprintf(o, "%s\n", d.msg[i]);
		if (rc != -EINVAL || strcmp(got, want))
			printf("\n    %s: rc %d\n    got:\n%s    expected:\n%s", path, rc, got, want);
		CU_ASSERT_EQUAL(rc, -EINVAL);
		CU_ASSERT_EQUAL(s.n, 0);
		CU_ASSERT_STRING_EQUAL(got, want);
		/* every message names the file and a line */
		for (int i = 0; i < d.n; i++) {
			const char *m = d.msg[i] + strlen(path);
			CU_ASSERT_TRUE(starts_with(d.msg[i], path) && m[0] == ':' && m[1] >= '1' && m[1] <= '9');
		}
		free(got);
		free(want);
		diag_free(&d);
		files++;
	}
	closedir(dir);
	CU_ASSERT_TRUE(files >= 19);
}

static void test_missing_file(void)
{
	struct meas_set s;
	struct diag d = { 0 };
	CU_ASSERT_EQUAL(meas_load(DATA "no-such.csv", &d, &s), -ENOENT);
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT_TRUE(starts_with(d.msg[0], DATA "no-such.csv: cannot open"));
	diag_free(&d);
	/* another format's file: its header is named */
	CU_ASSERT_EQUAL(meas_load("tests/data/import/requests_bad.csv", &d, &s), -EINVAL);
	CU_ASSERT_EQUAL(d.n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.msg[0], ":2: expected the header 'id,use,benchmark,"));
	diag_free(&d);
}

/* ---- errors against simulated values -------------------------------- */

/* Simulated values by quantity (meas_quantity), for the error tests. */
struct simmap {
	int n;
	char key[16][160];
	double v[16];
};

static void put(struct simmap *m, const struct meas_point *p, double v)
{
	char k[160];
	meas_quantity(p, k, sizeof k);
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], k)) {
			m->v[i] = v;
			return;
		}
	CU_ASSERT_FATAL(m->n < 16);
	strcpy(m->key[m->n], k);
	m->v[m->n++] = v;
}

static double sim(void *ctx, const struct meas_point *q)
{
	struct simmap *m = ctx;
	char k[160];
	meas_quantity(q, k, sizeof k);
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], k))
			return m->v[i];
	return NAN;
}

/* Row id's error with the simulated values in m. */
static double err_of(const struct meas_set *s, struct simmap *m, const char *id)
{
	double e = NAN;
	CU_ASSERT_EQUAL(meas_error(s, (size_t)meas_find(s, id), sim, m, &e), 0);
	return e;
}

static void test_errors(void)
{
	struct meas_set s;
	struct simmap m = { 0 };
	load_good(DATA "good-kinds.csv", &s);
	CU_ASSERT_EQUAL_FATAL(s.n, 11);
	const struct meas_point *v1 = row(&s, "v1"), *v2 = row(&s, "v2"), *g1 = row(&s, "g1"),
				*g2 = row(&s, "g2"), *r1 = row(&s, "r1"), *d1 = row(&s, "d1"),
				*d2 = row(&s, "d2"), *u1 = row(&s, "u1"), *u2 = row(&s, "u2"),
				*u3 = row(&s, "u3");

	/* the fields */
	CU_ASSERT_DOUBLE_EQUAL(v2->uncertainty, 2, 1e-12);         /* 5% of 40 */
	CU_ASSERT_TRUE(isnan(row(&s, "v3")->uncertainty));          /* unknown */
	CU_ASSERT_STRING_EQUAL(v2->note, "3 runs, mean");
	CU_ASSERT_STRING_EQUAL(v2->memory_text, "1536MiB");
	CU_ASSERT_STRING_EQUAL(s.p[r1->ref].id, "u1");              /* a forward ref */
	CU_ASSERT_EQUAL(u2->use, MEAS_HOLDOUT);
	CU_ASSERT_EQUAL(u1->use, MEAS_USE_NONE);
	/* 1536MiB is 1.5GiB: d1 is u2's quantity with 2 VCPUs, and keys agree */
	CU_ASSERT_DOUBLE_EQUAL(d1->memory, 1.5 * GIB, 0);
	char a[160], b[160];
	CU_ASSERT_STRING_EQUAL(meas_quantity(v2, a, sizeof a),
			       "dd my-kvm vms=5 vcpus=1 mem=1.5GiB mbyte_s");
	struct meas_point t = *d1;
	t.vcpus = 1;
	CU_ASSERT_TRUE(meas_same_quantity(&t, u2));
	CU_ASSERT_STRING_EQUAL(meas_quantity(&t, a, sizeof a), meas_quantity(u2, b, sizeof b));

	/* value: (sim - value) / value */
	put(&m, v1, 0.286);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "v1"), 0.1, 1e-12);
	put(&m, v1, 0.26);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "v1"), 0, 1e-12);
	put(&m, v2, 30);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "v2"), -0.25, 1e-12);

	/* range: 0 inside, else the distance relative to the bound missed */
	put(&m, g1, 385);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "g1"), 0.1, 1e-12);     /* (385-350)/350 */
	put(&m, g1, 1);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "g1"), 0, 0);           /* no low bound */
	put(&m, g2, 0.2);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "g2"), -0.2, 1e-12);    /* (0.2-0.25)/0.25 */
	put(&m, g2, 0.27);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "g2"), 0, 0);

	/* ratio: the same on A / B, B being the ref's quantity */
	put(&m, r1, 300);
	put(&m, u1, 200);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "r1"), 0.2, 1e-12);     /* (1.5-1.25)/1.25 */
	put(&m, r1, 240);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "r1"), 0, 0);           /* 1.2 */
	put(&m, r1, 200);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "r1"), -0.15 / 1.15, 1e-12);

	/* diff: the same on A - B */
	put(&m, d1, 400);
	put(&m, u2, 200);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "d1"), 1.0 / 3, 1e-12); /* (200-150)/150 */
	put(&m, d1, 220);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "d1"), -0.6, 1e-12);    /* (20-50)/50 */
	put(&m, d2, 100);
	put(&m, u3, 200);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "d2"), -1.0 / 3, 1e-12); /* (-100+75)/75 */
	put(&m, d2, 150);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "d2"), 0, 0);            /* -50 */
	put(&m, d2, 190);
	CU_ASSERT_DOUBLE_EQUAL(err_of(&s, &m, "d2"), 0.6, 1e-12);      /* (-10+25)/25 */

	/* unstated: constrains nothing, needs no simulated value */
	double e = 1;
	struct simmap none = { 0 };
	CU_ASSERT_EQUAL(meas_error(&s, (size_t)meas_find(&s, "u3"), sim, &none, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(e, 0, 0);

	/* a quantity not simulated; a ratio over 0 */
	CU_ASSERT_EQUAL(meas_error(&s, (size_t)meas_find(&s, "v3"), sim, &m, &e), -ENOENT);
	CU_ASSERT_EQUAL(meas_error(&s, (size_t)meas_find(&s, "r1"), sim, &none, &e), -ENOENT);
	put(&none, r1, 1);
	CU_ASSERT_EQUAL(meas_error(&s, (size_t)meas_find(&s, "r1"), sim, &none, &e), -ENOENT);
	put(&m, u1, 0);
	CU_ASSERT_EQUAL(meas_error(&s, (size_t)meas_find(&s, "r1"), sim, &m, &e), -EDOM);

	/* the band itself, with open and zero bounds */
	CU_ASSERT_DOUBLE_EQUAL(meas_band_error(5, -INFINITY, INFINITY), 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(meas_band_error(-2, 0, 1), -2, 0);
	CU_ASSERT_DOUBLE_EQUAL(meas_band_error(1.5, 1, 1), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(meas_band_error(1, 1, 1), 0, 0);
	meas_free(&s);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(meas_kind_name(MEAS_DIFF), "diff");
	CU_ASSERT_STRING_EQUAL(meas_kind_name(MEAS_NKIND), "?");
	CU_ASSERT_STRING_EQUAL(meas_use_name(MEAS_HOLDOUT), "holdout");
	CU_ASSERT_STRING_EQUAL(meas_use_name(MEAS_USE_NONE), "");
	CU_ASSERT_STRING_EQUAL(meas_bench_name(MEAS_NETPERF), "netperf");
	CU_ASSERT_STRING_EQUAL(meas_metric_name(MEAS_PEAK_CUMULATIVE), "peak_cumulative_sessions");
	CU_ASSERT_STRING_EQUAL(meas_metric_name(MEAS_NMETRIC), "?");
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "paper.csv: the stated numbers and the relations", test_paper_values },
		{ "paper.csv: sources, statements, fit and holdout", test_paper_provenance },
		{ "every bad file gives its messages", test_bad_corpus },
		{ "missing file, another format's file", test_missing_file },
		{ "errors of each kind against simulated values", test_errors },
		{ "names", test_names },
		{ NULL, NULL },
	};
	cut_suite("measured", tests);
}
