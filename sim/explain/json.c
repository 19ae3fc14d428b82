/*
** A checking JSON reader (json.h): recursive descent over RFC 8259's
** grammar, sec. 2-7.
*/
#include "sim/explain/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	const char *p;
	int line;
	const char *key;              /* the top-level key looked for */
	struct json_member *m;
	int found;
	char *err;
	size_t errlen;
};

static int fail(struct rd *r, const char *what)
{
	char got[16];
	if (!*r->p)
		snprintf(got, sizeof got, "the end");
	else if ((unsigned char)*r->p < 0x20)
		snprintf(got, sizeof got, "byte 0x%02x", (unsigned char)*r->p);
	else
		snprintf(got, sizeof got, "'%c'", *r->p);
	snprintf(r->err, r->errlen, "%d: expected %s, got %s", r->line, what, got);
	return -1;
}

static void ws(struct rd *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r') {
		r->line += *r->p == '\n';
		r->p++;
	}
}

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at r->p (the opening quote); its raw contents into *s, *n. */
static int string(struct rd *r, const char **s, size_t *n)
{
	if (*r->p != '"')
		return fail(r, "a string");
	const char *a = ++r->p;
	while (*r->p != '"') {
		if ((unsigned char)*r->p < 0x20)
			return fail(r, "a character of a string or its closing quote");
		if (*r->p == '\\') {
			r->p++;
			if (*r->p == 'u') {
				for (int k = 1; k <= 4; k++)
					if (!hex(r->p[k])) {
						r->p += k;
						return fail(r, "four hex digits after \\u");
					}
				r->p += 5;
				continue;
			}
			if (!*r->p || !strchr("\"\\/bfnrt", *r->p))
				return fail(r, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
		}
		r->p++;
	}
	*s = a;
	*n = (size_t)(r->p - a);
	r->p++;
	return 0;
}

static int digits(struct rd *r)
{
	if (*r->p < '0' || *r->p > '9')
		return fail(r, "a digit");
	while (*r->p >= '0' && *r->p <= '9')
		r->p++;
	return 0;
}

/* number = [-] int [frac] [exp]; int = 0 / [1-9] *DIGIT */
static int number(struct rd *r, double *x)
{
	const char *a = r->p;
	if (*r->p == '-')
		r->p++;
	if (*r->p == '0')
		r->p++;
	else if (digits(r))
		return -1;
	if (*r->p == '.') {
		r->p++;
		if (digits(r))
			return -1;
	}
	if (*r->p == 'e' || *r->p == 'E') {
		r->p++;
		if (*r->p == '+' || *r->p == '-')
			r->p++;
		if (digits(r))
			return -1;
	}
	*x = strtod(a, NULL);
	return 0;
}

static int value(struct rd *r, int depth, struct json_member *v);

static int object(struct rd *r, int depth)
{
	r->p++;   /* { */
	ws(r);
	if (*r->p == '}') {
		r->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t kn;
		ws(r);
		if (string(r, &k, &kn))
			return -1;
		ws(r);
		if (*r->p != ':')
			return fail(r, "':' after a key");
		r->p++;
		ws(r);
		struct json_member v;
		if (value(r, depth + 1, &v))
			return -1;
		if (depth == 1 && !r->found && strlen(r->key) == kn && !strncmp(k, r->key, kn)) {
			*r->m = v;
			r->found = 1;
		}
		ws(r);
		if (*r->p == '}') {
			r->p++;
			return 0;
		}
		if (*r->p != ',')
			return fail(r, "',' or '}' in an object");
		r->p++;
	}
}

static int array(struct rd *r, int depth)
{
	r->p++;   /* [ */
	ws(r);
	if (*r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		ws(r);
		struct json_member v;
		if (value(r, depth + 1, &v))
			return -1;
		ws(r);
		if (*r->p == ']') {
			r->p++;
			return 0;
		}
		if (*r->p != ',')
			return fail(r, "',' or ']' in an array");
		r->p++;
	}
}

static int literal(struct rd *r, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(r->p, word, n))
		return fail(r, "a value (object, array, string, number, true, false or null)");
	r->p += n;
	return 0;
}

/* A value at r->p; depth counts the containers it is inside plus one. */
static int value(struct rd *r, int depth, struct json_member *v)
{
	memset(v, 0, sizeof *v);
	v->line = r->line;
	if (depth > JSON_MAX_DEPTH)
		return fail(r, "at most " "64" " levels of nesting");
	switch (*r->p) {
	case '{':
		v->kind = JSON_OBJECT;
		return object(r, depth);
	case '[':
		v->kind = JSON_ARRAY;
		return array(r, depth);
	case '"':
		v->kind = JSON_STRING;
		return string(r, &v->str, &v->len);
	case 't':
		v->kind = JSON_BOOL;
		v->num = 1;
		return literal(r, "true");
	case 'f':
		v->kind = JSON_BOOL;
		return literal(r, "false");
	case 'n':
		v->kind = JSON_NULL;
		return literal(r, "null");
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
			v->kind = JSON_NUMBER;
			return number(r, &v->num);
		}
		return fail(r, "a value (object, array, string, number, true, false or null)");
	}
}

int json_top(const char *text, const char *key, struct json_member *m, char *err, size_t errlen)
{
	struct rd r = { .p = text, .line = 1, .key = key, .m = m, .err = err, .errlen = errlen };
	ws(&r);
	if (*r.p != '{')
		return fail(&r, "an object ('{')");
	struct json_member top;
	if (value(&r, 1, &top))
		return -1;
	ws(&r);
	if (*r.p)
		return fail(&r, "the end after the object");
	return r.found ? 0 : 1;
}
