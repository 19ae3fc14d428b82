/*
** Diagnostics: collect every input error (file, line, message) so that a
** bad scenario is reported in one go, then print them in the order found.
** Messages read "file:line: <element attr>: expected ..., got ...".
*/
#ifndef HVSIM_DIAG_H
#define HVSIM_DIAG_H

#include <stdio.h>

struct diag {
	char **msg;      /* formatted "file:line: text" lines */
	int n, cap;
	int dropped;     /* messages beyond DIAG_MAX, counted only */
};

#define DIAG_MAX 200

#if defined(__GNUC__)
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DIAG_PRINTF(f, a)
#endif

/* Record an error; file may be NULL (then no prefix), line <= 0 omits it. */
void diag_error(struct diag *d, const char *file, int line, const char *fmt, ...)
	DIAG_PRINTF(4, 5);
static inline int diag_count(const struct diag *d) { return d->n + d->dropped; }
/* Print all messages, one per line, then "N errors" when more than one. */
void diag_print(const struct diag *d, FILE *f);
/* The messages as diag_print writes them, into out (n bytes, without the
** last newline); none if there are none. */
void diag_to_str(const struct diag *d, char *out, size_t n, const char *none);
void diag_free(struct diag *d);

#endif
