/*
** CSV as hvsim's trace files use it: RFC 4180 without line breaks inside
** fields.  One record per line, fields separated by commas; a field that
** holds a comma or a double quote is quoted, its quotes doubled; a line
** starting with '#' is a comment.  Times are decimal seconds, written and
** read exactly as int64 nanoseconds (at most 9 decimals, no exponent), so
** a trace read back is the trace that was written, to the nanosecond.
*/
#ifndef HVSIM_TRACES_CSV_H
#define HVSIM_TRACES_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Split line in place into fields (quotes removed).  Stores at most max
** pointers and returns the number of fields found (which may be larger),
** or -1 with *why set ("expected ...") for a broken quoted field. */
int trace_csv_split(char *line, char **field, int max, const char **why);

/* Write s as one field, quoted when it holds ',', '"', CR or LF. */
void trace_csv_put(FILE *f, const char *s);

/* "12.5" -> 12500000000: a non-negative decimal with at most 9 decimals
** and at most 4.2e9 seconds (133 years).  0, or -1 with *why. */
int trace_csv_seconds(const char *s, int64_t *ns, const char **why);

/* The shortest exact decimal for ns seconds: 1500000000 -> "1.5", 0 -> "0".
** buf >= 32; returns buf. */
char *trace_csv_fmt_seconds(int64_t ns, char *buf, size_t len);

/* A decimal integer 0..max, digits only.  0, or -1. */
int trace_csv_int(const char *s, int64_t max, int64_t *v);

#endif
