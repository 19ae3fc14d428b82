/*
** Text input for the trace importers and readers: numbered lines of any
** length (POSIX getline), with the newline, a trailing CR and a UTF-8
** byte order mark at the start of the file removed and NUL bytes
** detected; and bad input quoted safely inside a message
** ("got '...'": shortened, non-printable bytes shown as \xhh).
*/
#ifndef HVSIM_TRACES_TEXTIO_H
#define HVSIM_TRACES_TEXTIO_H

#include <stddef.h>
#include <stdio.h>

struct trace_lines {
	FILE *f;
	char *buf;
	size_t cap;
	int lineno;      /* number of the line last returned, from 1 */
	int no_newline;  /* the line last returned ended the file without '\n' */
	int has_nul;     /* ... and held a NUL byte (at column nul_col, from 1) */
	int nul_col;
	int err;         /* errno of a read error (-EIO returned) */
};

/* Start reading f (not owned). */
void trace_lines_init(struct trace_lines *r, FILE *f);
/* Next line into *line (valid until the next call; *len bytes plus a
** terminating NUL): 1, or 0 at end of file, or -EIO on a read error. */
int trace_lines_next(struct trace_lines *r, char **line, size_t *len);
void trace_lines_free(struct trace_lines *r);

/* Quote n bytes of s for a message: at most 48 characters between single
** quotes, "..." when shortened, non-printable bytes as \xhh.  Returns buf
** (len >= 16). */
const char *trace_show(const char *s, size_t n, char *buf, size_t len);

/* 1 if s has only spaces and tabs. */
int trace_blank(const char *s);

#endif
