/*
** Output directories (see output.h): a new directory staged as
** DIR.tmp-PID and committed by one rename (or swapped in atomically with
** --force), staging left by dead processes removed, whole-file reads.
*/
/* renameat2(RENAME_EXCHANGE) (glibc >= 2.28): replacing an output
** directory by one atomic swap.  Without it, two renames. */
#define _GNU_SOURCE
#include "sim/report/output.h"
#include "sim/engine/infile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* mkdir -p; when it fails part way, the directories it made are
** removed again (a refused -o leaves nothing behind). */
static int mkdir_p(const char *path)
{
	char *p = strdup(path);
	size_t n = strlen(path), made = 0, *at = p ? malloc((n + 1) * sizeof *at) : NULL;
	if (!p || !at) {
		free(p);
		return -1;
	}
	int r = 0;
	for (size_t i = 1; i <= n && !r; i++) {
		if (p[i] != '/' && p[i] != 0)
			continue;
		char c = p[i];
		p[i] = 0;
		if (mkdir(p, 0777) == 0)
			at[made++] = i;
		else if (errno != EEXIST)
			r = -1;
		p[i] = c;
	}
	int e = errno;
	while (r && made--) {
		p[at[made]] = 0;
		rmdir(p);
	}
	free(at);
	free(p);
	errno = e;
	return r;
}

/* Are dest's names within the file system's limits (NAME_MAX a name,
** with room for ".tmp-PID" on the last; PATH_MAX in all)?  0, or -1 with
** the reason in err: checked before any directory is made. */
static int too_long(const char *dest, char *err, size_t errlen)
{
	size_t n = strlen(dest);
	if (n > OUT_DEST_MAX) {
		snprintf(err, errlen, "%.80s...: expected a path of at most %d bytes, got %zu", dest, OUT_DEST_MAX, n);
		return -1;
	}
	for (const char *s = dest; *s;) {
		const char *e = strchr(s, '/');
		size_t k = e ? (size_t)(e - s) : strlen(s);
		size_t most = e ? NAME_MAX : NAME_MAX - 32;
		if (k > most) {
			snprintf(err, errlen, "%s: expected names of at most %zu bytes in the path, got one of %zu", dest,
				 most, k);
			return -1;
		}
		s += k + (e != NULL);
	}
	return 0;
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
	/* "/NAME": its directory is "/" (strndup of no characters has no room for it) */
	char *dir = !slash ? strdup(".") : slash == p ? strdup("/") : strndup(p, (size_t)(slash - p));
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

/* A name out_begin refuses whatever is there: empty, '.', '..' or ending
** in one of them (outputs never go into an existing directory). */
static int never_dest(const char *dest)
{
	const char *slash = strrchr(dest, '/');
	const char *base = slash ? slash + 1 : dest;
	return !*dest || !*base || !strcmp(base, ".") || !strcmp(base, "..");
}

int out_keeps(const char *dest, const char *input, char *err, size_t errlen)
{
	/* out_begin refuses such a name with the reason that matters */
	if (!input || never_dest(dest))
		return 0;
	char *d = realpath(dest, NULL), *p = realpath(input, NULL);
	size_t n = d ? strlen(d) : 0;
	int inside = d && p && strncmp(p, d, n) == 0 && (p[n] == '/' || (n == 1 && d[0] == '/'));
	if (inside)
		snprintf(err, errlen, "%s: expected a directory that does not hold %s, which it reads (--force would "
			 "remove it with the directory)", dest, input);
	free(d);
	free(p);
	return inside ? -1 : 0;
}

int out_in_dir(const char *dir, const char *file)
{
	const char *sl = strrchr(file, '/');
	char *parent = sl ? strndup(file, (size_t)(sl - file + 1)) : strdup(".");
	char *p = parent ? realpath(parent, NULL) : NULL, *d = realpath(dir, NULL);
	size_t n = d ? strlen(d) : 0;
	int in = p && d && strncmp(p, d, n) == 0 && (p[n] == 0 || p[n] == '/' || (n == 1 && d[0] == '/'));
	free(parent);
	free(p);
	free(d);
	return in;
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
	if (!*dest || never_dest(o->dest)) {
		snprintf(err, errlen,
			 "'%s': expected a new directory to write into (outputs never go into an existing "
			 "directory such as '.'), such as out/NAME", dest);
		return begin_failed(o);
	}
	if (too_long(o->dest, err, errlen))
		return begin_failed(o);
	/* --force: not over a scenario, profile or calibration file read
	** (the command line's inputs are checked by the caller, out_keeps) */
	size_t nin;
	const char *const *in = mode == OUT_FORCE ? infile_inputs(&nin) : NULL;
	for (size_t i = 0; in && i < nin; i++)
		if (out_keeps(o->dest, in[i], err, errlen))
			return begin_failed(o);
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

/* The file's bytes from f (at most OUT_READ_MAX; size: its size at the
** fstat), NUL-terminated, *n their count; NULL with errno set. */
static char *read_all(FILE *f, size_t size, size_t *n)
{
	size_t cap = size + 1, got = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t k = fread(buf + got, 1, cap - got, f);
		got += k;
		if (k == 0 || got > OUT_READ_MAX)
			break;
		if (got == cap) {   /* it grew since the fstat */
			char *nb = realloc(buf, 2 * cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = ferror(f), e = errno;
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	if (bad || got > OUT_READ_MAX) {
		free(buf);
		errno = bad ? (e ? e : EIO) : EFBIG;
		return NULL;
	}
	buf[got] = 0;
	*n = got;
	return buf;
}

char *out_read(const char *path, size_t *len, char *why, size_t whylen)
{
	/* stat before opening, as infile_open does: opening a FIFO blocks,
	** and a device may do something when opened or never end (/dev/zero
	** would fill memory).  O_NONBLOCK: something swapped in since the
	** stat cannot block the open either, and is caught by the fstat. */
	struct stat st;
	if (stat(path, &st) == 0 && infile_regular(&st, why, whylen)) {
		errno = EINVAL;
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;
	if (fd < 0 || fstat(fd, &st)) {
		e = errno;
		snprintf(why, whylen, "cannot open: %s", strerror(e));
		if (fd >= 0)
			close(fd);
		errno = e;
		return NULL;
	}
	e = infile_regular(&st, why, whylen) ? EINVAL : (unsigned long long)st.st_size > OUT_READ_MAX ? EFBIG : 0;
	if (e == EFBIG)
		snprintf(why, whylen, "expected a file of at most %u MiB, got %.1f MiB", OUT_READ_MAX >> 20,
			 (double)st.st_size / (1 << 20));
	if (e) {
		close(fd);
		errno = e;
		return NULL;
	}
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		e = errno;
		close(fd);
		snprintf(why, whylen, "cannot read: %s", strerror(e));
		errno = e;
		return NULL;
	}
	size_t n = 0;
	char *buf = read_all(f, (size_t)st.st_size, &n);
	e = errno;
	fclose(f);
	if (!buf) {
		if (e == EFBIG)
			snprintf(why, whylen, "expected a file of at most %u MiB", OUT_READ_MAX >> 20);
		else
			snprintf(why, whylen, "cannot read: %s", strerror(e));
		errno = e;
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

int out_nul_line(const char *buf, size_t len)
{
	const char *nul = memchr(buf, 0, len);
	int line = 1;
	for (const char *p = buf; nul && p < nul; p++)
		line += *p == '\n';
	return nul ? line : 0;
}

char *out_slurp(const char *path, size_t *len)
{
	char why[256];
	return out_read(path, len, why, sizeof why);
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

/* ------------------------------------------- a directory as bytes --- */

int out_pack(FILE *f, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t pl = strlen(dir) + strlen(e->d_name) + 2, n = 0;
		char *path = malloc(pl);
		if (!path) {
			rc = -1;
			break;
		}
		snprintf(path, pl, "%s/%s", dir, e->d_name);
		struct stat st;
		char *buf = NULL;
		if (lstat(path, &st) || !S_ISREG(st.st_mode) || !(buf = out_slurp(path, &n))) {
			rc = -1;
		} else {
			fputs(e->d_name, f);
			fputc(0, f);
			fprintf(f, "%zu", n);
			fputc(0, f);
			if (fwrite(buf, 1, n, f) != n)
				rc = -1;
		}
		free(buf);
		free(path);
	}
	closedir(d);
	return rc || ferror(f) ? -1 : 0;
}

int out_unpack(struct outdir *o, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *name = p, *nz = memchr(p, 0, (size_t)(end - p));
		if (!nz || !*name || strchr(name, '/') || name[0] == '.') {
			errno = EINVAL;
			return -1;
		}
		const char *num = nz + 1, *sz = num < end ? memchr(num, 0, (size_t)(end - num)) : NULL;
		char *e;
		unsigned long long n = sz ? strtoull(num, &e, 10) : 0;
		if (!sz || e != sz || n > (unsigned long long)(end - (sz + 1))) {
			errno = EINVAL;
			return -1;
		}
		FILE *f = out_open(o, name);
		if (!f)
			return -1;
		size_t w = fwrite(sz + 1, 1, (size_t)n, f);
		if (fclose(f) || w != (size_t)n)
			return -1;
		p = sz + 1 + n;
	}
	return 0;
}
