/*
** Text input for the trace importers and readers (see textio.h).
*/
#include "traces/textio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void trace_lines_init(struct trace_lines *r, FILE *f)
{
	memset(r, 0, sizeof *r);
	r->f = f;
}

int trace_lines_next(struct trace_lines *r, char **line, size_t *len)
{
	errno = 0;
	ssize_t n = getline(&r->buf, &r->cap, r->f);
	if (n < 0) {
		/* the end of the file, or a read error or no memory for the
		** line (ENOMEM): then the rest is not silently dropped */
		r->err = errno;
		return ferror(r->f) || !feof(r->f) ? -EIO : 0;
	}
	r->lineno++;
	r->no_newline = !(n > 0 && r->buf[n - 1] == '\n');
	if (!r->no_newline)
		n--;
	if (n > 0 && r->buf[n - 1] == '\r')
		n--;
	/* a UTF-8 byte order mark (editors on Windows write one) is no
	** part of the first line's text */
	if (r->lineno == 1 && n >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(r->buf, r->buf + 3, (size_t)n - 3);
		n -= 3;
	}
	r->buf[n] = 0;
	char *nul = memchr(r->buf, 0, (size_t)n);
	r->has_nul = nul != NULL;
	r->nul_col = nul ? (int)(nul - r->buf) + 1 : 0;
	*line = r->buf;
	*len = (size_t)n;
	return 1;
}

void trace_lines_free(struct trace_lines *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
}

const char *trace_show(const char *s, size_t n, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const size_t max = 48;
	size_t o = 0, i;

	if (len < 16) {
		if (len)
			buf[0] = 0;
		return buf;
	}
	buf[o++] = '\'';
	/* Room for the closing quote, "..." and the NUL. */
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		int w = c >= 0x20 && c < 0x7f ? 1 : 4;
		if (o + (size_t)w + 5 > len)
			break;
		if (w == 1) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o++] = '\'';
	if (i < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

int trace_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}
