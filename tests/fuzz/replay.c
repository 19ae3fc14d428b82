/*
** A main for the fuzz targets without libFuzzer: calls the target's
** LLVMFuzzerTestOneInput on each file named (a directory: each file in
** it), so `make check` replays the seeds and the inputs that once
** failed (tests/data/fuzz/NAME/) under gcc's ASan + UBSan, clang or not.
*/
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		uint8_t *nb = realloc(buf, cap *= 2);
		if (!nb)
			free(buf);
		buf = nb;
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int rc = 0, files = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc |= one(argv[i]);
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char **nn = realloc(names, (n + 1) * sizeof *nn);
			if (!nn)
				return 1;
			names = nn;
			size_t l = strlen(argv[i]) + strlen(de->d_name) + 2;
			names[n] = malloc(l);
			if (!names[n])
				return 1;
			snprintf(names[n++], l, "%s/%s", argv[i], de->d_name);
		}
		if (d)
			closedir(d);
		qsort(names, n, sizeof *names, by_name);
		for (size_t k = 0; k < n; k++) {
			rc |= one(names[k]);
			files++;
			free(names[k]);
		}
		free(names);
	}
	printf("%d inputs\n", files);
	return rc ? 1 : 0;
}
