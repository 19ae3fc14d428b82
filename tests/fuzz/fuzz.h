/*
** Shared glue of the libFuzzer targets (tests/fuzz/fuzz_*.c, built by
** `make fuzz`; docs/testing-robustness.md).  Header only, so that each
** target is one file and the Makefile needs no list.
**
** The readers take paths, and the scenario and calibration loaders
** resolve the paths inside a file (profile="../../models/...",
** file="one.csv") relative to it.  So each input is written to
** TMP/a/b/<name> in a private temporary directory whose levels TMP,
** TMP/a and TMP/a/b hold symbolic links to the source tree's models,
** traces, calibration, experiments and tests/data directories and to
** the files of tests/data/{good,bad,workloads,calib}: the relative paths
** of the seed files resolve as they do in the tree, and the fuzzer can
** reach real profiles and traces.  The directory is removed at exit.
*/
#ifndef HVSIM_FUZZ_H
#define HVSIM_FUZZ_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef HVSIM_SRCDIR
#error "HVSIM_SRCDIR (the source tree's absolute path) is set by the Makefile"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_root[256];
static char fuzz_dir[300];

static void fuzz_rmrf(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char p[1024];
			snprintf(p, sizeof p, "%s/%s", path, de->d_name);
			fuzz_rmrf(p);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void fuzz_cleanup(void)
{
	if (fuzz_root[0])
		fuzz_rmrf(fuzz_root);
}

static void fuzz_link(const char *dir, const char *name, const char *target)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	if (symlink(target, p) && errno != EEXIST) {
		perror(p);
		exit(1);
	}
}

/* Link every regular file of HVSIM_SRCDIR/sub into dir (first one wins). */
static void fuzz_link_files(const char *dir, const char *sub)
{
	char src[1024];
	snprintf(src, sizeof src, "%s/%s", HVSIM_SRCDIR, sub);
	DIR *d = opendir(src);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char t[2048];
		snprintf(t, sizeof t, "%s/%s", src, de->d_name);
		fuzz_link(dir, de->d_name, t);
	}
	if (d)
		closedir(d);
}

/* Create the directory farm once; fuzz_dir is TMP/a/b. */
static void fuzz_setup(void)
{
	if (fuzz_root[0])
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_root, sizeof fuzz_root, "%s/hvsim-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_root)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(fuzz_cleanup);
	char lv[3][300];
	snprintf(lv[0], sizeof lv[0], "%s", fuzz_root);
	snprintf(lv[1], sizeof lv[1], "%s/a", fuzz_root);
	snprintf(lv[2], sizeof lv[2], "%s/a/b", fuzz_root);
	mkdir(lv[1], 0700);
	mkdir(lv[2], 0700);
	static const char *const top[] = { "models", "traces", "calibration", "experiments", "tests" };
	static const char *const data[] = { "good", "bad", "workloads", "calib", "sweep", "capacity",
					    "import", "measured", "explain" };
	for (int l = 0; l < 3; l++) {
		char t[1024];
		for (size_t i = 0; i < sizeof top / sizeof top[0]; i++) {
			snprintf(t, sizeof t, "%s/%s", HVSIM_SRCDIR, top[i]);
			fuzz_link(lv[l], top[i], t);
		}
		for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) {
			snprintf(t, sizeof t, "%s/tests/data/%s", HVSIM_SRCDIR, data[i]);
			fuzz_link(lv[l], data[i], t);
		}
	}
	fuzz_link_files(lv[2], "tests/data/good");
	fuzz_link_files(lv[2], "tests/data/bad");
	fuzz_link_files(lv[2], "tests/data/workloads");
	fuzz_link_files(lv[2], "tests/data/calib");
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s", lv[2]);
}

/* Write the input to fuzz_dir/name; its path (static buffer). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[400];
	fuzz_setup();
	snprintf(path, sizeof path, "%s/%s", fuzz_dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	for (size_t off = 0; off < size;) {
		ssize_t k = write(fd, data + off, size - off);
		if (k <= 0) {
			perror(path);
			abort();
		}
		off += (size_t)k;
	}
	close(fd);
	return path;
}

/* A stream over the input for the importers (which read a FILE *). */
static inline FILE *fuzz_stream(const uint8_t *data, size_t size)
{
	FILE *f = fopen(fuzz_file("in.txt", data, size), "r");
	if (!f)
		abort();
	return f;
}

/* Where the importers' messages go. */
static inline FILE *fuzz_null(void)
{
	static FILE *null;
	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		abort();
	return null;
}

#endif
