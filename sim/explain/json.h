/*
** A JSON reader for what `hvsim explain` reads back (summary.json): the
** whole text is checked against the grammar of RFC 8259 (objects, arrays,
** strings with their escapes, numbers, true/false/null; nesting at most
** JSON_MAX_DEPTH), and one member of the top-level object is found by its
** key, never a key of the same name nested deeper.
*/
#ifndef HVSIM_JSON_H
#define HVSIM_JSON_H

#include <stddef.h>

#define JSON_MAX_DEPTH 64

enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_member {
	enum json_kind kind;
	double num;                   /* JSON_NUMBER; JSON_BOOL: 0 or 1 */
	const char *str;              /* JSON_STRING: its raw text between the quotes */
	size_t len;
	int line;                     /* where the value starts, from 1 */
};

/* Find key among the members of the object that is the whole text.
** Returns 0 (found, *m set), 1 (the text is valid but has no such
** top-level member), or -1 with "LINE: expected ..., got ..." in err. */
int json_top(const char *text, const char *key, struct json_member *m, char *err, size_t errlen);

#endif
