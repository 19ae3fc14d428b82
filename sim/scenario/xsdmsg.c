/*
** libxml2's schema-validation messages in hvsim's words (xsdmsg.h).
**
** A message is "Element 'E': REST" or "Element 'E', attribute 'A': REST"
** (xmlSchemaFormatNodeForError); REST is one of the forms below, each
** written as "<E A>: expected ..., got ..." like the loader's own
** checks.  Values are quoted as libxml2 gives them (already the
** attribute's value after whitespace normalisation).
*/
#include "xsdmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Whether s begins with the literal lit. */
#define starts(s, lit) (strncmp((s), (lit), sizeof(lit) - 1) == 0)

/* The text of s after open and before the first close that follows it
** (a value may hold quotes; the words after it cannot), into out; a
** pointer to that close, or NULL. */
static const char *between(const char *s, const char *open, const char *close, char *out, size_t len)
{
	const char *p = strstr(s, open);
	if (!p)
		return NULL;
	p += strlen(open);
	const char *q = strstr(p, close);
	if (!q)
		return NULL;
	size_t n = (size_t)(q - p);
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = 0;
	return q;
}

/* A name between the quotes that follow key in s (key ends with the
** opening quote), into out; a pointer past the closing quote, or NULL. */
static const char *quoted(const char *s, const char *key, char *out, size_t len)
{
	const char *q = between(s, key, "'", out, len);
	return q ? q + 1 : NULL;
}

/* Append to out (of len, holding *at chars) like snprintf. */
static void add(char *out, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(out + *at, len - *at, fmt, ap);
	va_end(ap);
	if (k > 0)
		*at = *at + (size_t)k < len ? *at + (size_t)k : len - 1;
}

/* "( a, b, c )" (libxml2's list of expected elements, from open) as
** "<a>, <b> or <c>"; ok 0 if there is no such list. */
static void element_list(const char *open, char *out, size_t len, int *ok)
{
	size_t at = 0;
	out[0] = 0;
	*ok = 0;
	const char *p = open ? strchr(open, '(') : NULL;
	const char *end = p ? strchr(p, ')') : NULL;
	if (!p || !end)
		return;
	p++;
	char names[16][64];
	int n = 0;
	while (p < end && n < 16) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		const char *s = p;
		while (p < end && *p != ',' && *p != ' ')
			p++;
		size_t k = (size_t)(p - s);
		if (!k)
			continue;
		if (k >= sizeof names[0])
			k = sizeof names[0] - 1;
		memcpy(names[n], s, k);
		names[n++][k] = 0;
	}
	for (int i = 0; i < n; i++)
		add(out, len, &at, "%s<%s>", i == 0 ? "" : i == n - 1 ? " or " : ", ", names[i]);
	*ok = n > 0;
}

/* "{'a', 'b', 'c'}" (an enumeration's set) as "a, b or c". */
static void value_set(const char *open, char *out, size_t len)
{
	size_t at = 0;
	out[0] = 0;
	const char *end = strrchr(open, '}');
	int n = 0, total = 0;
	for (const char *p = open; p && p < end; p++)
		if (*p == '\'')
			total++;
	total /= 2;
	for (const char *p = strchr(open, '\''); p && p < end; p = strchr(p, '\'')) {
		const char *q = strchr(p + 1, '\'');
		if (!q || q > end)
			break;
		add(out, len, &at, "%s%.*s", n == 0 ? "" : n == total - 1 ? " or " : ", ",
		    (int)(q - p - 1), p + 1);
		n++;
		p = q + 1;
	}
}

/* What a value of the built-in type named ty (xs:...) must look like. */
static const char *type_words(const char *ty)
{
	static const struct {
		const char *ty, *words;
	} t[] = {
		{ "xs:positiveInteger", "a whole number of at least 1" },
		{ "xs:nonNegativeInteger", "a whole number of at least 0" },
		{ "xs:integer", "a whole number" },
		{ "xs:decimal", "a decimal number such as 1.25" },
		{ "xs:boolean", "true or false (or 1 or 0)" },
		{ "usersOrPercent", "a whole number of users of at least 1, or a percentage such as 2%" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(ty, t[i].ty) == 0)
			return t[i].words;
	return NULL;
}

int xsdmsg_constraint(const char *msg, char *out, size_t len)
{
	return quoted(msg, "identity-constraint '", out, len) != NULL;
}

int xsdmsg_restyle(const char *msg, const struct xsdmsg_ctx *cx, char *out, size_t len)
{
	char el[128], at[128], v[256], w[600];
	const char *p = quoted(msg, "Element '", el, sizeof el);
	if (!p || !starts(msg, "Element '") || !len)
		return -1;
	at[0] = 0;
	if (starts(p, ", attribute '"))
		p = quoted(p, ", attribute '", at, sizeof at);
	if (!p || !starts(p, ": "))
		return -1;
	p += 2;
	char who[300];
	if (at[0])
		snprintf(who, sizeof who, "<%s %s>", el, at);
	else
		snprintf(who, sizeof who, "<%s>", el);
	int ok;

	if (starts(p, "[facet 'enumeration'] ") && between(p, "The value '", "' is not an element of", v, sizeof v) &&
	    strstr(p, "{")) {
		value_set(strstr(p, "{"), w, sizeof w);
		snprintf(out, len, "%s: expected one of %s, got '%s'", who, w, v);
		return 1;
	}
	if (starts(p, "[facet 'pattern'] ") && between(p, "The value '", "' is not accepted by", v, sizeof v) &&
	    between(p, "by the pattern '", "'.", w, sizeof w)) {
		if (strcmp(w, "[A-Za-z_][A-Za-z0-9_.\\-]*") == 0)
			snprintf(out, len, "%s: expected a name (a letter or _, then letters, digits, _, . or -), got '%s'",
				 who, v);
		else
			snprintf(out, len, "%s: expected a value matching the pattern %s, got '%s'", who, w, v);
		return 1;
	}
	if (starts(p, "[facet 'minLength'] ") && between(p, "The value '", "' has a length of", v, sizeof v)) {
		if (!v[0])
			snprintf(out, len, "%s: expected a value, got an empty one", who);
		else
			snprintf(out, len, "%s: expected a longer value, got '%s'", who, v);
		return 1;
	}
	if (p[0] == '\'') {
		const char *q = between(p, "'", "' is not a valid value of the ", v, sizeof v);
		if (q)
			q++;
		char ty[128];
		if (q && starts(q, " is not a valid value of the list type '"))
			return 0; /* its item's message came first */
		if (q && starts(q, " is not a valid value of the ") && quoted(q, "type '", ty, sizeof ty) &&
		    type_words(ty)) {
			if (!v[0])
				snprintf(out, len, "%s: expected %s, got an empty value", who, type_words(ty));
			else
				snprintf(out, len, "%s: expected %s, got '%s'", who, type_words(ty), v);
			return 1;
		}
		return -1;
	}
	if (starts(p, "The attribute '") && quoted(p, "The attribute '", v, sizeof v)) {
		if (strstr(p, "is required but missing")) {
			snprintf(out, len, "<%s>: expected the attribute %s (it is required), got none", el, v);
			return 1;
		}
		if (strstr(p, "is not allowed")) {
			if (cx && cx->attrs && cx->attrs[0])
				snprintf(out, len, "<%s>: expected one of the attributes %s, got '%s'", el, cx->attrs, v);
			else
				snprintf(out, len, "<%s>: expected no attribute %s, got one", el, v);
			return 1;
		}
		return -1;
	}
	if (starts(p, "This element is not expected.")) {
		element_list(strstr(p, "Expected is"), w, sizeof w, &ok);
		if (ok)
			snprintf(out, len, "<%s>: expected %s here, got <%s>", el, w, el);
		else
			snprintf(out, len, "<%s>: expected no element here, got <%s>", el, el);
		return 1;
	}
	if (starts(p, "Missing child element(s).")) {
		element_list(strstr(p, "Expected is"), w, sizeof w, &ok);
		if (!ok)
			return -1;
		snprintf(out, len, "<%s>: expected %s inside it, got none", el, w);
		return 1;
	}
	if (starts(p, "Character content other than whitespace is not allowed")) {
		snprintf(out, len, "<%s>: expected only elements inside it, got text", el);
		return 1;
	}
	if (starts(p, "Element content is not allowed") ||
	    starts(p, "Character content is not allowed")) {
		snprintf(out, len, "<%s>: expected nothing inside it (its settings are attributes), got %s", el,
			 p[0] == 'E' ? "an element" : "text");
		return 1;
	}
	if (starts(p, "Duplicate key-sequence [") && strchr(p + 24, ']')) {
		/* ['web'] -> web: the key is one field, quoted */
		const char *k = p + 24;
		const char *e = strchr(k, ']');
		size_t n = (size_t)(e - k);
		if (n >= 2 && k[0] == '\'' && k[n - 1] == '\'') {
			k++;
			n -= 2;
		}
		if (n >= sizeof v)
			n = sizeof v - 1;
		memcpy(v, k, n);
		v[n] = 0;
		if (cx && cx->field && cx->field[0])
			snprintf(out, len, "<%s %s>: expected a value no other <%s> has, got '%s' again", el, cx->field,
				 el, v);
		else
			snprintf(out, len, "<%s>: expected a key no other <%s> has, got '%s' again", el, el, v);
		return 1;
	}
	return -1;
}
