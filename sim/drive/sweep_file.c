/*
** sweep.csv and sweep.settings on disk (see sweep.c's top comment for
** the durability rules): CSV fields, the atomic creation of the header,
** reading finished rows back for a resume, and the final reordering.
*/
#include "sim/drive/sweep_file.h"
#include "sim/report/output.h"
#include "traces/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ----------------------------------------------- sweep.csv on disk --- */

static int write_fsync(FILE *f)
{
	if (fflush(f) || fsync(fileno(f)))
		return -1;
	return 0;
}

/* A fresh DIR/sweep.csv (header) and DIR/sweep.settings, both or none. */
int sweep_create_csv(struct sweep *x, const char *head, const char *set)
{
	struct outdir od = { 0 };
	char err[4400];
	int rc = out_begin(&od, x->dir, OUT_NEW, err, sizeof err);
	FILE *f = NULL, *g = NULL;
	if (rc == 0) {
		f = out_open(&od, "sweep.csv");
		g = out_open(&od, "sweep.settings");
		rc = !f || !g;
		if (f) {
			fprintf(f, "%s\n", head);
			rc |= write_fsync(f);
			rc |= ferror(f) | fclose(f);
		}
		if (g) {
			fputs(set, g);
			rc |= write_fsync(g);
			rc |= ferror(g) | fclose(g);
		}
		if (rc)
			snprintf(err, sizeof err, "%s: cannot write: %s", x->dir, strerror(errno));
		else
			rc = out_commit(&od, err, sizeof err);
	}
	if (rc) {
		fprintf(stderr, "hvsim: %s\n", err);
		out_abort(&od);
	}
	free(od.dest);
	free(od.stage);
	return rc ? -1 : 0;
}


/* The point of one row (no line end) from its leading values (as
** trace_csv_put wrote them), or -1 for a malformed row or no point; its
** number of fields in *width when asked (-1: a broken quoted field). */
static int point_of(const struct scn_sweep *sw, const char *row, int *width)
{
	char *copy = strdup(row), *fld[SCN_MAX_VARY];
	const char *why;
	int p = 0, nf = copy ? trace_csv_split(copy, fld, SCN_MAX_VARY, &why) : -1;
	if (width)
		*width = nf;
	if (nf < sw->nvary)
		p = -1;
	for (int k = 0; k < sw->nvary && p >= 0; k++) {
		int i = 0;
		while (i < sw->vary[k].nvalues && strcmp(sw->vary[k].values[i], fld[k]) != 0)
			i++;
		p = i == sw->vary[k].nvalues ? -1 : p * sw->vary[k].nvalues + i;
	}
	free(copy);
	return p;
}

/* sweep.csv's first line is not head: another sweep, or this one's with
** CRLF line ends (an editor's or a Windows tool's: invisible when shown). */
static void header_differs(const struct sweep *x, const char *buf, size_t len, const char *nl, const char *head)
{
	int crlf = nl && nl > buf && nl[-1] == '\r';
	int hn = nl ? (int)(nl - buf) - crlf : (int)strnlen(buf, len);
	if (crlf && (size_t)hn == strlen(head) && memcmp(buf, head, (size_t)hn) == 0)
		fprintf(stderr,
			"hvsim: %s:1: expected lines ending in \\n, as hvsim writes them, got \\r\\n (CRLF line ends); "
			"convert it back (dos2unix), or add --force to replace it\n", x->csv);
	else
		fprintf(stderr,
			"hvsim: %s: holds a different sweep; its header is\n  %.*s%s\nexpected\n  %s\n"
			"(choose another -o DIR, or add --force to replace it)\n",
			x->csv, hn, buf, crlf ? " (and a CRLF line end)" : "", head);
}

/* DIR/sweep.settings against this sweep's (set): 0, or -1 after a
** message. */
static int same_settings(const struct sweep *x, const char *set)
{
	char path[4200], why[256];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/sweep.settings", x->dir);
	char *old = out_read(path, &len, why, sizeof why);
	int nul = old ? out_nul_line(old, len) : 0;
	if (nul)
		fprintf(stderr, "hvsim: %s:%d: expected text, got a NUL byte\n", path, nul);
	if (nul || (old && len == strlen(set) && memcmp(old, set, len) == 0)) {
		free(old);
		return nul ? -1 : 0;
	}
	fprintf(stderr, "hvsim: %s: %s; this sweep's:\n%s(choose another -o DIR, or add --force to replace it)\n",
		path, old ? "was made with other settings" : errno == ENOENT ? "is missing, so the rows cannot be trusted"
		: why, set);
	if (old)
		fprintf(stderr, "the directory's:\n%s", old);
	free(old);
	return -1;
}

/* An existing sweep.csv: the same sweep (header and settings), rows
** matched to points (P_HAD).  0, or -1 after a message (an input error).
**
** A last line without its line end, cut short by a crash in the middle
** of a write, is dropped (and its point runs again), whatever its bytes:
** a crash can also leave the file's end zero-filled (its new size on
** disk, its data not), a run of NUL bytes with no line end after it,
** which is such a line.  A NUL byte anywhere before the last line end is
** no crash of hvsim's (rows are whole lines, appended by one write) and
** is refused with its line. */
size_t sweep_whole_lines(const char *buf, size_t len)
{
	while (len > 0 && buf[len - 1] != '\n')
		len--;
	return len;
}

int sweep_read_csv(struct sweep *x, const char *head, const char *set)
{
	size_t len = 0;
	char why[256];
	char *buf = out_read(x->csv, &len, why, sizeof why);
	if (!buf) {
		fprintf(stderr, "hvsim: %s: %s\n", x->csv, why);
		return -1;
	}
	size_t keep = sweep_whole_lines(buf, len);
	int nul = out_nul_line(buf, keep);
	char *nl = memchr(buf, '\n', keep);
	size_t hl = strlen(head);
	int bad = nul || !nl || (size_t)(nl - buf) != hl || memcmp(buf, head, hl) != 0;
	if (nul)
		fprintf(stderr, "hvsim: %s:%d: expected text, got a NUL byte\n", x->csv, nul);
	else if (bad)
		header_differs(x, buf, len, nl, head);
	if (bad || same_settings(x, set)) {
		free(buf);
		return -1;
	}
	if (keep < len) {
		fprintf(stderr, "hvsim: %s: dropping an incomplete last line\n", x->csv);
		if (truncate(x->csv, (off_t)keep)) {
			fprintf(stderr, "hvsim: %s: cannot truncate: %s\n", x->csv, strerror(errno));
			free(buf);
			return -1;
		}
		buf[keep] = 0;
	}
	int lineno = 1, rc = 0, width;
	point_of(x->sw, head, &width);   /* no point: only its width */
	for (char *line = nl + 1; line < buf + keep && rc == 0; lineno++) {
		char *end = memchr(line, '\n', (size_t)(buf + keep - line));   /* there is one: buf[keep - 1] */
		*end = 0;
		int w, p = point_of(x->sw, line, &w);
		if (p >= 0 && w != width) {
			/* rows are appended whole, so a row of the wrong width
			** was edited or cut by hand: kept, the finished sweep
			** would keep it */
			fprintf(stderr, "hvsim: %s:%d: expected a row of %d fields, as the header has, got %d\n", x->csv,
				lineno + 1, width, w);
			rc = -1;
		} else if (p >= 0 && x->state[p] == P_HAD) {
			fprintf(stderr, "hvsim: %s:%d: expected each point once, got point %d again\n", x->csv,
				lineno + 1, p + 1);
			rc = -1;
		} else if (p < 0) {
			fprintf(stderr, "hvsim: %s:%d: expected a row of this sweep (values of its points), got '%s'\n",
				x->csv, lineno + 1, line);
			rc = -1;
		} else {
			x->state[p] = P_HAD;
			x->had++;
			if (p < x->last)
				x->in_order = 0;
			if (p > x->last)
				x->last = p;
		}
		line = end + 1;
	}
	free(buf);
	return rc;
}

/* Every point has its row, but not in point order (a resumed sweep):
** rewrite sweep.csv sorted (tmp + fsync + rename).  0 or -1. */
int sweep_sort_csv(struct sweep *x)
{
	size_t len = 0;
	char *buf = out_slurp(x->csv, &len);
	if (!buf)
		return -1;
	int np = x->sw->npoints;
	char **line = calloc((size_t)np, sizeof *line);
	char *nl = memchr(buf, '\n', len), tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", x->csv, (long)getpid());
	/* read back and appended to by this sweep, so whole text lines; a
	** NUL byte or a line without its end is refused, not followed */
	int rc = !line || !nl || memchr(buf, 0, len) || buf[len - 1] != '\n' ? -1 : 0;
	if (rc)
		errno = line ? EINVAL : ENOMEM;
	FILE *f = rc == 0 ? fopen(tmp, "w") : NULL;
	if (!f)
		rc = -1;
	for (char *l = nl ? nl + 1 : NULL; rc == 0 && l < buf + len;) {
		char *end = strchr(l, '\n');
		*end = 0;
		int p = point_of(x->sw, l, NULL);
		if (p >= 0) {
			line[p] = l;
		} else {
			errno = EINVAL;
			rc = -1;
		}
		l = end + 1;
	}
	if (rc == 0) {
		fprintf(f, "%.*s\n", (int)(nl - buf), buf);
		for (int p = 0; p < np; p++)
			if (line[p])
				fprintf(f, "%s\n", line[p]);
		rc = write_fsync(f);
	}
	if (f && (ferror(f) | fclose(f)))
		rc = -1;
	if (rc == 0 && rename(tmp, x->csv))
		rc = -1;
	if (rc && f)
		unlink(tmp);
	free(line);
	free(buf);
	return rc;
}


/* long.csv: every point's per-VM table (points/NNN/vms.csv) in one, a row
** per point and VM: point, the point's values, then vms.csv's columns.
** Points without vms.csv (failed; a capacity of 0) have no rows.
** Rewritten whole at the end of every sweep (tmp + fsync + rename), so a
** resumed sweep's is complete too.  0 or -1 (errno set). */
int sweep_write_long(struct sweep *x, char *why, size_t whylen)
{
	why[0] = 0;
	const struct scn_sweep *sw = x->sw;
	char tmp[4400], path[4400];
	snprintf(tmp, sizeof tmp, "%s/long.csv.tmp-%ld", x->dir, (long)getpid());
	const char **val = calloc((size_t)sw->nvary + 1, sizeof *val);
	FILE *f = val ? fopen(tmp, "w") : NULL;
	int rc = f ? 0 : -1;
	char *head = NULL;   /* vms.csv's header, from the first point that has one */
	for (int p = 0; rc == 0 && p < sw->npoints; p++) {
		snprintf(path, sizeof path, "%s/points/%03d/vms.csv", x->dir, p + 1);
		if (access(path, F_OK) != 0)
			continue;
		/* a point's own file, but read as input: a FIFO or a NUL
		** (damage since) is named, not a silent cut */
		size_t blen = 0;
		char reason[300];
		char *buf = out_read(path, &blen, reason, sizeof reason);
		int nul = buf ? out_nul_line(buf, blen) : 0;
		char *nl = buf ? strchr(buf, '\n') : NULL;
		if (!buf || nul || !nl || sweep_point(sw, p, val)) {
			if (!buf)
				snprintf(why, whylen, "%s: %s", path, reason);
			else if (nul)
				snprintf(why, whylen, "%s:%d: expected text, got a NUL byte", path, nul);
			else if (!nl)
				snprintf(why, whylen, "%s: expected a header line, got none", path);
			free(buf);
			errno = EINVAL;
			rc = -1;
			break;
		}
		*nl = 0;
		if (!head) {
			head = strdup(buf);
			if (!head) {
				free(buf);
				rc = -1;
				break;
			}
			fputs("point", f);
			for (int k = 0; k < sw->nvary; k++) {
				fputc(',', f);
				trace_csv_put(f, sw->vary[k].key);
			}
			fprintf(f, ",%s\n", head);
		} else if (strcmp(head, buf) != 0) {
			/* outputs of another hvsim (a resumed older sweep): not mixed */
			snprintf(why, whylen, "%s: expected the header of the other points' vms.csv, got another", path);
			free(buf);
			errno = EINVAL;
			rc = -1;
			break;
		}
		for (char *l = nl + 1; *l;) {
			char *end = strchr(l, '\n');
			if (end)
				*end = 0;
			if (*l) {
				fprintf(f, "%d", p + 1);
				for (int k = 0; k < sw->nvary; k++) {
					fputc(',', f);
					trace_csv_put(f, val[k]);
				}
				fprintf(f, ",%s\n", l);
			}
			l = end ? end + 1 : l + strlen(l);
		}
		free(buf);
	}
	if (rc == 0)
		rc = write_fsync(f);
	if (f && (ferror(f) | fclose(f)))
		rc = -1;
	snprintf(path, sizeof path, "%s/long.csv", x->dir);
	if (rc == 0 && rename(tmp, path))
		rc = -1;
	if (rc && !why[0])
		snprintf(why, whylen, "cannot write: %s", strerror(errno));
	if (rc && f)
		unlink(tmp);
	free(head);
	free(val);
	return rc;
}
