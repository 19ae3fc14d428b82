/*
** CSV as hvsim's trace files use it: RFC 4180 without line breaks inside
** fields.  One record per line, fields separated by commas; a field that
** holds a comma or a double quote is quoted, its quotes doubled; a line
** starting with '#' is a comment.  Times are decimal seconds, written and
** read exactly as int64 nanoseconds (at most 9 decimals, no exponent), so
** a trace read back is the trace that was written, to the nanosecond.
** trace_csv_read reads a whole trace file: comments, the header, rows of a
** fixed width in time order; the format's hooks parse and keep each row.
*/
#ifndef HVSIM_TRACES_CSV_H
#define HVSIM_TRACES_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct diag;

/* Split line in place into fields (quotes removed).  Stores at most max
** pointers and returns the number of fields found (which may be larger),
** or -1 with *why set ("expected ...") for a broken quoted field. */
int trace_csv_split(char *line, char **field, int max, const char **why);
/* The same, and on -1 where the broken field is: its column (from 0) in
** *col and the offset of its first byte in the line as it was in *off,
** for a message that names the column and quotes what was written. */
int trace_csv_split_at(char *line, char **field, int max, const char **why, int *col, size_t *off);

/* Write s as one field, quoted when it holds ',', '"', CR or LF. */
void trace_csv_put(FILE *f, const char *s);

/* "12.5" -> 12500000000: a non-negative decimal with at most 9 decimals
** and at most 4.2e9 seconds (133 years).  0, or -1 with *why. */
int trace_csv_seconds(const char *s, int64_t *ns, const char **why);

/* A time a replay can reach: at most LIM_TIME ns (sim/engine/limits.h, 1e8 s).
** 0, or -1 with *why ("expected at most ..."). */
int trace_time_max(int64_t ns, const char **why);

/* The shortest exact decimal for ns seconds: 1500000000 -> "1.5", 0 -> "0".
** buf >= 32; returns buf. */
char *trace_csv_fmt_seconds(int64_t ns, char *buf, size_t len);

/* A decimal integer 0..max, digits only.  0, or -1. */
int trace_csv_int(const char *s, int64_t max, int64_t *v);

/* Rows wider than this are not a trace format's. */
#define TRACE_CSV_MAXCOL 17

/* A trace format as trace_csv_read reads it: one const instance per
** format (requests.c, activity.c).  ctx is the loader's, passed through. */
struct trace_csv_format {
	const char *header;    /* the header row, exactly */
	int ncol;              /* fields per row, at most TRACE_CSV_MAXCOL */
	const char *time_col;  /* the column rows may not decrease in */
	const char *row_name;  /* for "expected at least one <row_name>, got none" */
	/* Called for each row of ncol fields: check them, reporting each
	** problem into d as "path:line: column: expected ..., got ...".  0
	** with the row held in ctx and its time in *t_ns, or -1 (reported). */
	int (*parse)(void *ctx, char **field, const char *path, int line, struct diag *d,
		     int64_t *t_ns);
	/* Called after parse when the row's time is not before the previous
	** row's: keep the row held in ctx (field is still valid).  0 or
	** -ENOMEM. */
	int (*keep)(void *ctx, char **field);
	/* Optional; called once the file was read to its end (or to a bad
	** header), not after a read error or -ENOMEM: checks across rows,
	** reported into d.  0 or -ENOMEM. */
	int (*end)(void *ctx, const char *path, struct diag *d);
};

/* Read the trace file path as fmt: skip comment and blank lines, require
** the header, split each row, check its width and time order, and hand it
** to fmt's hooks.  Every problem is reported into d.  0, or -EINVAL
** (reported), -ENOENT when path cannot be opened (reported), -ENOMEM; what
** keep kept is ctx's to free either way. */
int trace_csv_read(const char *path, const struct trace_csv_format *fmt, void *ctx,
		   struct diag *d);

#endif
