/*
** Input files (see infile.h).
*/
#define _XOPEN_SOURCE 700   /* realpath(3) */
#include "sim/engine/infile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>

const int INFILE_XML_OPTIONS = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	       : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "a special file";
}

int infile_regular(const struct stat *st, char *why, size_t len)
{
	if (S_ISREG(st->st_mode))
		return 0;
	snprintf(why, len, "expected a regular file, got %s", kind_of(st->st_mode));
	return -1;
}

int infile_check(const char *path, char *why, size_t len)
{
	struct stat st;
	if (stat(path, &st)) {
		snprintf(why, len, "cannot open: %s", strerror(errno));
		return -1;
	}
	return infile_regular(&st, why, len);
}

FILE *infile_open(const char *path, char *why, size_t len)
{
	if (infile_check(path, why, len))
		return NULL;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(why, len, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* it may have been swapped for something else since the stat */
	struct stat st;
	if (fstat(fileno(f), &st) || infile_regular(&st, why, len)) {
		if (!why[0])
			snprintf(why, len, "cannot open: %s", strerror(errno));
		fclose(f);
		return NULL;
	}
	return f;
}

/* The XML files this process has read (infile_inputs), resolved, each
** once. */
static char **xml_read;
static size_t nxml_read, xml_read_cap;

static void remember(const char *path)
{
	char *r = realpath(path, NULL);
	if (!r)
		return;
	for (size_t i = 0; i < nxml_read; i++)
		if (!strcmp(xml_read[i], r)) {
			free(r);
			return;
		}
	if (nxml_read == xml_read_cap) {
		size_t cap = xml_read_cap ? 2 * xml_read_cap : 16;
		char **nl = realloc(xml_read, cap * sizeof *nl);
		if (!nl) {   /* out of memory: the guard it serves is lost, not the read */
			free(r);
			return;
		}
		xml_read = nl;
		xml_read_cap = cap;
	}
	xml_read[nxml_read++] = r;
}

const char *const *infile_inputs(size_t *n)
{
	*n = nxml_read;
	return (const char *const *)xml_read;
}

char *infile_xml(const char *path, size_t *n, int *line, char *why, size_t len)
{
	*line = 0;
	why[0] = 0;
	FILE *f = infile_open(path, why, len);
	if (!f)
		return NULL;
	remember(path);
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (unsigned long long)st.st_size > INFILE_XML_MAX) {
		snprintf(why, len, "expected an XML file of at most %u MiB, got %.1f MiB", INFILE_XML_MAX >> 20,
			 (double)st.st_size / (1 << 20));
		fclose(f);
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, got = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		size_t k = fread(buf + got, 1, cap - got, f);
		got += k;
		if (k == 0 || got > INFILE_XML_MAX)
			break;
		if (got == cap) {   /* grew since the stat */
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
	int bad = ferror(f);
	int e = errno;
	fclose(f);
	if (!buf) {
		snprintf(why, len, "cannot read: %s", strerror(ENOMEM));
		errno = ENOMEM;   /* for a caller that reports memory itself */
		return NULL;
	}
	if (bad || got > INFILE_XML_MAX) {
		if (bad)
			snprintf(why, len, "cannot read: %s", strerror(e ? e : EIO));
		else
			snprintf(why, len, "expected an XML file of at most %u MiB", INFILE_XML_MAX >> 20);
		free(buf);
		return NULL;
	}
	buf[got] = 0;
	/* entity declarations: refused before libxml2 could expand them */
	const char *ent = strstr(buf, "<!ENTITY");
	if (ent || memchr(buf, 0, got)) {
		int ln = 1;
		const char *at = ent ? ent : buf + strlen(buf);
		for (const char *p = buf; p < at; p++)
			ln += *p == '\n';
		*line = ln;
		snprintf(why, len, ent ? "expected no entity declarations (<!ENTITY ...>): hvsim reads plain XML"
				       : "expected text, got a NUL byte");
		free(buf);
		return NULL;
	}
	*n = got;
	return buf;
}

/* libxml2's parser limits (parserInternals.h, without XML_PARSE_HUGE,
** which hvsim does not set: no scenario comes near them): the nesting
** depth (xmlParserMaxDepth, 256; the message carries the number), a name
** (XML_MAX_NAME_LENGTH, 50000), an attribute value and a comment
** (XML_MAX_TEXT_LENGTH, 10000000).  Their messages named an option no user
** can set, and the parser's recovery added errors of its own. */
static const struct xml_limit {
	const char *libxml2, *ours;
} xml_limits[] = {
	{ "Excessive depth in document", "expected elements nested at most %s deep" },
	{ "Name too long", "expected a name of at most 50000 characters" },
	{ "AttValue length too long", "expected an attribute value of at most 10000000 characters" },
	{ "Comment too big", "expected a comment of at most 10000000 characters" },
};

int infile_xml_words(const char *msg, char *out, size_t n)
{
	if (!msg)
		msg = "error";
	for (size_t i = 0; i < sizeof xml_limits / sizeof xml_limits[0]; i++) {
		if (!strstr(msg, xml_limits[i].libxml2))
			continue;
		/* the depth's number from "Excessive depth in document: 256 use
		** XML_PARSE_HUGE option" (a format without %s ignores it) */
		const char *d = strpbrk(msg, "0123456789");
		int k = 0;
		while (d && d[k] >= '0' && d[k] <= '9' && k < 9)
			k++;
		char num[16] = "256";
		if (k)
			snprintf(num, sizeof num, "%.*s", k, d);
		snprintf(out, n, xml_limits[i].ours, num);
		return 2;
	}
	/* an identity constraint (xs:unique) on a value already reported as
	** invalid */
	if (strstr(msg, "No precomputed value available"))
		return -1;
	int r = 0;
	if (strstr(msg, "xmlSchemaVDocWalk") || strstr(msg, "entity reference")) {
		msg = "expected no entity references (&name;): hvsim reads plain XML";
		r = 1;
	}
	snprintf(out, n, "%s", msg);
	size_t len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = 0;
	return r;
}
