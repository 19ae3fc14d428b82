/*
** A directory as bytes (sim/report/output.h: out_pack, out_unpack): how a
** worker rank of an MPI job sends a sweep point's outputs to rank 0
** (sim/engine/cluster.h).  Files come back byte for byte, binary ones
** and empty ones too; a malformed pack is refused, never written outside
** the staging directory.
*/
#include "tests/cutest.h"
#include "sim/report/output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void put(const char *dir, const char *name, const char *data, size_t n)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(data, 1, n, f);
	fclose(f);
}

static void same_file(const char *a, const char *b, const char *name)
{
	char pa[600], pb[600];
	snprintf(pa, sizeof pa, "%s/%s", a, name);
	snprintf(pb, sizeof pb, "%s/%s", b, name);
	size_t la = 0, lb = 0;
	char *x = cut_slurp(pa, &la), *y = cut_slurp(pb, &lb);
	CU_ASSERT_PTR_NOT_NULL(x);
	CU_ASSERT_PTR_NOT_NULL(y);
	CU_ASSERT_EQUAL(la, lb);
	if (x && y && la == lb)
		CU_ASSERT_EQUAL(memcmp(x, y, la), 0);
	free(x);
	free(y);
}

static void test_round_trip(void)
{
	char *dir = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char src[512], dst[512];
	snprintf(src, sizeof src, "%s/src", dir);
	snprintf(dst, sizeof dst, "%s/dst", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(src, 0777), 0);
	const char bin[] = { 'a', 0, 'b', '\n', 0, (char)0xff };
	put(src, "summary.json", "{ \"x\": 1 }\n", 11);
	put(src, "empty.csv", "", 0);
	put(src, "binary.dat", bin, sizeof bin);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(out_pack(f, src), 0);
	fclose(f);
	struct outdir o = { 0 };
	char err[600];
	CU_ASSERT_EQUAL_FATAL(out_begin(&o, dst, OUT_NEW, err, sizeof err), 0);
	CU_ASSERT_EQUAL(out_unpack(&o, buf, len), 0);
	CU_ASSERT_EQUAL(out_commit(&o, err, sizeof err), 0);
	same_file(src, dst, "summary.json");
	same_file(src, dst, "empty.csv");
	same_file(src, dst, "binary.dat");
	free(o.dest);
	free(o.stage);
	free(buf);
	out_rmrf(dir);
	free(dir);
}

static void test_malformed(void)
{
	char *dir = cut_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	char dst[512];
	snprintf(dst, sizeof dst, "%s/dst", dir);
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "a.csv", 5 },                   /* no NUL after the name */
		{ "a.csv\0" "12\0" "abc", 13 },   /* shorter than its size */
		{ "a.csv\0" "x\0", 8 },           /* a size that is not a number */
		{ "../a\0" "1\0" "z", 9 },        /* a path out of the directory */
		{ "\0" "1\0" "z", 5 },            /* no name */
		{ ".hidden\0" "1\0" "z", 10 },    /* a dot file */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct outdir o = { 0 };
		char err[600];
		CU_ASSERT_EQUAL_FATAL(out_begin(&o, dst, OUT_REPLACE, err, sizeof err), 0);
		errno = 0;
		CU_ASSERT_EQUAL(out_unpack(&o, bad[i].bytes, bad[i].len), -1);
		out_abort(&o);
		free(o.dest);
		free(o.stage);
	}
	struct stat st;
	CU_ASSERT_NOT_EQUAL(stat(dir, &st), -1);
	char out[600];
	snprintf(out, sizeof out, "%s/a", dir);
	CU_ASSERT_EQUAL(stat(out, &st), -1);   /* nothing escaped */
	out_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test t[] = {
		{ "a directory packed and unpacked is the same files", test_round_trip },
		{ "a malformed pack is refused", test_malformed },
		{ NULL, NULL },
	};
	cut_suite("outpack", t);
}
