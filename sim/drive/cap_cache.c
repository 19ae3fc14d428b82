/*
** The store of finished capacity replications (see cap_cache.h).
**
** DIR/<h>.rep holds one replication: its key, then its probes, as text
** with the doubles in hexadecimal (%a: read back bit for bit); <h> is two
** 64-bit FNV-1a hashes of the key.  The key is stored whole and compared
** on reading, so a collision of hashes costs a run, never a wrong result.
** DIR/<h>.lock is flock(2)ed by the process running it.
*/
#include "sim/drive/cap_cache.h"
#include "sim/drive/cap_internal.h"
#include "sim/engine/rng.h"
#include "sim/report/output.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MAGIC "hvsim replication 1\n"

#define FNV_BASIS RNG_FNV_BASIS
#define FNV_BASIS2 0x84222325cbf29ce4ULL

/* The executable's bytes hashed: the same build, the same engine. */
static int exe_hash(uint64_t *h, char *err, size_t errlen)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	if (!f) {
		snprintf(err, errlen, "--cache: cannot read this program (/proc/self/exe): %s", strerror(errno));
		return -1;
	}
	unsigned char buf[65536];
	size_t n;
	*h = FNV_BASIS;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		*h = rng_fnv1a(*h, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "--cache: cannot read this program (/proc/self/exe)");
		return -1;
	}
	return 0;
}

int cap_cache_open(struct cap_cache *c, const char *dir, const char *model, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "--cache %s: cannot make the directory: %s", dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--cache %s: expected a directory", dir);
		return -1;
	}
	uint64_t h;
	if (exe_hash(&h, err, errlen))
		return -1;
	size_t n = strlen(model) + 64;
	c->prefix = malloc(n);
	if (!c->prefix) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(c->prefix, n, "build %016" PRIx64 "\n%s", h, model);
	c->dir = dir;
	c->lock_fd = -1;
	return 0;
}

int cap_cache_check(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	if (stat(dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		snprintf(err, errlen, "--cache %s: expected a directory", dir);
		return -1;
	}
	/* made by the first point: its parent must be a directory */
	size_t n = strlen(dir);
	char *up = malloc(n + 3);
	if (!up) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(up, dir, n + 1);
	while (n > 1 && up[n - 1] == '/')
		up[--n] = 0;
	char *slash = strrchr(up, '/');
	if (!slash)
		strcpy(up, ".");
	else if (slash == up)
		up[1] = 0;
	else
		*slash = 0;
	int ok = stat(up, &st) == 0 && S_ISDIR(st.st_mode);
	if (!ok)
		snprintf(err, errlen, "--cache %s: cannot be made: %s is not a directory", dir, up);
	free(up);
	return ok ? 0 : -1;
}

void cap_cache_close(struct cap_cache *c)
{
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	free(c->prefix);
	memset(c, 0, sizeof *c);
}

char *cap_cache_key(const struct cap_cache *c, uint64_t seed, int hint)
{
	size_t n = strlen(c->prefix) + 64;
	char *k = malloc(n);
	if (k)
		snprintf(k, n, "seed %" PRIu64 "\nhint %d\n%s", seed, hint, c->prefix);
	return k;
}

/* DIR/<hash of key><ext>. */
static void path(const struct cap_cache *c, const char *key, const char *ext, char *buf, size_t len)
{
	size_t n = strlen(key);
	snprintf(buf, len, "%s/%016" PRIx64 "%016" PRIx64 "%s", c->dir, rng_fnv1a(FNV_BASIS, key, n),
		 rng_fnv1a(FNV_BASIS2, key, n), ext);
}

/* The decimal number at *p (digits only: no sign, no blank), at most
** max, followed by sep; *p past sep.  -1 otherwise: strtoull alone would
** take "-1", skip blanks and newlines, and a huge value would overflow. */
static int dec(const char **p, uint64_t max, char sep, uint64_t *v)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -1;
	char *e;
	errno = 0;
	unsigned long long x = strtoull(s, &e, 10);
	if (errno || x > max || *e != sep)
		return -1;
	*v = x;
	*p = e + 1;
	return 0;
}

/* The finite non-negative double at *p (as %a writes it), then sep. */
static int real(const char **p, char sep, double *v)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return -1;
	char *e;
	double x = strtod(s, &e);
	if (e == s || !isfinite(x) || x < 0 || *e != sep)
		return -1;
	*v = x;
	*p = e + 1;
	return 0;
}

/* One probe's line "users seed n good tolerable cpu_util measured decided
** pass taillen\n" at *p into q; -1 unless every field is what
** cap_cache_put writes for a probe that ran (docs/capacity.md: a
** tampered or damaged entry is run again, not trusted). */
static int probe_line(const char **p, struct cap_probe *q, uint64_t *tl)
{
	uint64_t users, n, good, tol, decided, pass;
	if (dec(p, INT_MAX, ' ', &users) || users < 1 || dec(p, UINT64_MAX, ' ', &q->seed) ||
	    dec(p, UINT64_MAX, ' ', &n) || dec(p, UINT64_MAX, ' ', &good) || dec(p, UINT64_MAX, ' ', &tol) ||
	    real(p, ' ', &q->cpu_util) || real(p, ' ', &q->measured) || dec(p, 1, ' ', &decided) ||
	    dec(p, 1, ' ', &pass) || dec(p, SIZE_MAX - 1, '\n', tl))
		return -1;
	/* good and tolerable pages are among the pages; a pass needs pages
	** (qos_pass) */
	if (good > n || tol > n || (pass && n == 0))
		return -1;
	q->users = (int)users;
	q->qos = (struct qos_count){ n, good, tol };
	q->decided = (int)decided;
	q->pass = (int)pass;
	return 0;
}

/* Parse an entry into probes appended to tmp (as replication rep); 0, or
** -1 when it is not a whole, well-formed entry under key (or out of
** memory: *oom).  The buffer ends in a NUL (out_slurp), so the readers of
** numbers stop there at the latest. */
static int parse(const char *buf, size_t len, const char *key, int rep, struct cap_result *tmp, int *oom)
{
	const char *p = buf, *end = buf + len;
	size_t ml = strlen(MAGIC), kl = strlen(key);
	uint64_t klen, np;
	if (len < ml || memcmp(p, MAGIC, ml))
		return -1;
	p += ml;
	if (strncmp(p, "key ", 4))
		return -1;
	p += 4;
	if (dec(&p, SIZE_MAX, '\n', &klen) || klen != kl)
		return -1;
	if ((size_t)(end - p) < kl + 1 || memcmp(p, key, kl) || p[kl] != '\n')
		return -1;
	p += kl + 1;
	if (strncmp(p, "probes ", 7))
		return -1;
	p += 7;
	if (dec(&p, INT_MAX, '\n', &np))
		return -1;
	for (uint64_t i = 0; i < np; i++) {
		struct cap_probe q = { .rep = rep };
		uint64_t tl;
		if (p >= end || probe_line(&p, &q, &tl))
			return -1;
		if ((uint64_t)(end - p) <= tl || p[tl] != '\n')
			return -1;
		if (tl && rep == 0 && !q.pass) {
			q.tail = malloc(tl + 1);
			if (!q.tail) {
				*oom = 1;
				return -1;
			}
			memcpy(q.tail, p, tl);
			q.tail[tl] = 0;
		}
		p += tl + 1;
		if (cap__append(tmp, &q)) {
			*oom = 1;
			return -1;
		}
	}
	return strncmp(p, "end\n", (size_t)(end - p)) == 0 && end - p == 4 ? 0 : -1;
}

int cap_cache_take(const struct cap_cache *c, const char *key, int rep, struct cap_result *r)
{
	char p[4096];
	path(c, key, ".rep", p, sizeof p);
	size_t len;
	/* out_slurp: a FIFO in the store is never opened (fopen waited for a
	** writer: the sweep hung), nor a device read without end; either is
	** no entry, and the replication is run */
	char *buf = out_slurp(p, &len);
	if (!buf)
		return 0;
	/* into a result of its own first: a bad entry adds nothing to r */
	struct cap_result tmp = { 0 };
	int oom = 0, rc = parse(buf, len, key, rep, &tmp, &oom);
	free(buf);
	for (int i = 0; rc == 0 && i < tmp.nprobe; i++)
		if (cap__append(r, &tmp.probe[i]))
			rc = -1, oom = 1;
	cap_free(&tmp);
	return oom ? -1 : rc == 0;
}

/* A lock is flock(2) on DIR/<h>.lock.  It belongs to the open file
** description, so it goes with its process however that ends (exit,
** crash, SIGKILL): no pid has to be judged alive or dead, and a process
** that reuses a dead one's pid cannot keep its lock.  The holder unlinks
** the file before closing it; one who opened the file before that and
** locks it afterwards finds the name gone or naming another file, and
** tries again with a new one.  A file left by a process that died is
** not locked: the next one to try locks it. */
int cap_cache_lock(struct cap_cache *c, const char *key)
{
	if (c->lock_fd >= 0)
		return -1;   /* one lock at a time: the caller runs it unshared */
	char p[4096];
	path(c, key, ".lock", p, sizeof p);
	for (int tries = 0; tries < 8; tries++) {
		int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			int e = errno;
			close(fd);
			return e == EWOULDBLOCK ? 0 : -1;
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			c->lock_fd = fd;
			return 1;
		}
		close(fd);   /* its holder was done and unlinked it: a new one */
	}
	return 0;
}

void cap_cache_unlock(struct cap_cache *c, const char *key)
{
	if (c->lock_fd < 0)
		return;
	char p[4096];
	path(c, key, ".lock", p, sizeof p);
	unlink(p);
	close(c->lock_fd);
	c->lock_fd = -1;
}

void cap_cache_put(struct cap_cache *c, const char *key, const struct cap_result *r, int rep)
{
	char p[4096], t[4200];
	path(c, key, ".rep", p, sizeof p);
	snprintf(t, sizeof t, "%s.tmp-%ld", p, (long)getpid());
	FILE *f = fopen(t, "wb");
	int n = 0;
	for (int i = 0; i < r->nprobe; i++)
		n += r->probe[i].rep == rep;
	if (f) {
		fprintf(f, "%skey %zu\n%s\nprobes %d\n", MAGIC, strlen(key), key, n);
		for (int i = 0; i < r->nprobe; i++) {
			const struct cap_probe *q = &r->probe[i];
			if (q->rep != rep)
				continue;
			size_t tl = q->tail ? strlen(q->tail) : 0;
			fprintf(f, "%d %llu %llu %llu %llu %a %a %d %d %zu\n", q->users, (unsigned long long)q->seed,
				(unsigned long long)q->qos.n, (unsigned long long)q->qos.good,
				(unsigned long long)q->qos.tolerable, q->cpu_util, q->measured, q->decided, q->pass, tl);
			fwrite(q->tail ? q->tail : "", 1, tl, f);
			fputc('\n', f);
		}
		fputs("end\n", f);
	}
	int bad = !f || ferror(f);
	if (f && fclose(f))
		bad = 1;
	if (bad || rename(t, p)) {
		if (!c->warned)
			fprintf(stderr, "hvsim: --cache %s: cannot store a replication (%s); going on without it\n",
				c->dir, strerror(errno));
		c->warned = 1;
		unlink(t);
	}
	cap_cache_unlock(c, key);
}
