/*
** Scenario loading: libxml2 parsing and messages, attribute getters and value parsers.
** Shared state and helpers: load.h.
*/
#include "sim/scenario/load.h"
#include "sim/scenario/dist.h"
#include "sim/scenario/xsdmsg.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* p; when it is NULL, memory ran out: report it (once) and fail the
** load, whose readers stop at the next BAD(). */
void *ld_mem(struct ld *ld, void *p)
{
	if (!p && !ld->oom) {
		ld->oom = 1;
		diag_error(ld->d, ld->file, 0, "out of memory");
	}
	return p;
}

const char *ld_intern(struct ld *ld, const char *name)
{
	struct scenario *s = ld->s;
	for (int i = 0; i < s->nfiles; i++)
		if (strcmp(s->files[i], name) == 0)
			return s->files[i];
	char **nf = realloc(s->files, (size_t)(s->nfiles + 1) * sizeof *nf);
	char *dup = strdup(name);
	if (!nf || !dup) {
		free(dup);
		if (nf)
			s->files = nf;
		ld_mem(ld, NULL);
		return "?";
	}
	s->files = nf;
	s->files[s->nfiles++] = dup;
	return dup;
}

const char *ld_file_of(const struct ld *ld, xmlNodePtr n)
{
	for (; n; n = n->parent)
		for (int i = 0; i < ld->nsp; i++)
			if (ld->sp[i].root == n)
				return ld->sp[i].file;
	return ld->file;
}

struct scn_loc ld_loc_of(const struct ld *ld, xmlNodePtr n)
{
	struct scn_loc l = { ld_file_of(ld, n), (int)xmlGetLineNo(n) };
	return l;
}

/* The override that set attribute an of n last, or NULL. */
static const struct setat *set_by(const struct ld *ld, xmlNodePtr n, const char *an)
{
	for (int i = ld->nset - 1; n && an && i >= 0; i--)
		if (ld->set[i].n == n && strcmp(ld->set[i].attr, an) == 0)
			return &ld->set[i];
	return NULL;
}

/* Where a message about attribute an of n points: the override that set
** it, else the element's file and line. */
struct scn_loc ld_loc_attr(const struct ld *ld, xmlNodePtr n, const char *an)
{
	const struct setat *o = set_by(ld, n, an);
	return o ? o->where : ld_loc_of(ld, n);
}

/* ---------------------------------------------------- libxml2 errors --- */


/* The attributes the schema allows on complex type ct (with its groups). */
static void list_type_attrs(xmlDocPtr xsd, xmlNodePtr ct, char *buf, size_t len);

static xmlNodePtr xsd_named(xmlDocPtr xsd, const char *kind, const char *name)
{
	xmlNodePtr root = xmlDocGetRootElement(xsd);
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, kind) != 0)
			continue;
		xmlChar *n = xmlGetProp(c, (const xmlChar *)"name");
		int match = n && strcmp((const char *)n, name) == 0;
		xmlFree(n);
		if (match)
			return c;
	}
	return NULL;
}

void ld_add_name(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);
	/* skip duplicates: element declarations can repeat a type */
	char pat[128];
	snprintf(pat, sizeof pat, " %s,", name);
	char probe[1200];
	snprintf(probe, sizeof probe, " %s,", buf);
	if (strstr(probe, pat) || n + strlen(name) + 3 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

static void list_type_attrs(xmlDocPtr xsd, xmlNodePtr ct, char *buf, size_t len)
{
	for (xmlNodePtr a = ct ? ct->children : NULL; a; a = a->next) {
		if (a->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *n = xmlGetProp(a, (const xmlChar *)"name");
		xmlChar *r = xmlGetProp(a, (const xmlChar *)"ref");
		if (strcmp((const char *)a->name, "attribute") == 0 && n)
			ld_add_name(buf, len, (const char *)n);
		else if (strcmp((const char *)a->name, "attributeGroup") == 0 && r)
			list_type_attrs(xsd, xsd_named(xsd, "attributeGroup", (const char *)r), buf, len);
		xmlFree(n);
		xmlFree(r);
	}
}

/* Every attribute the schema allows on elements named el, "a, b, c". */
static void valid_attrs(xmlDocPtr xsd, xmlNodePtr n, const char *el, char *buf, size_t len)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "element") == 0) {
			xmlChar *nm = xmlGetProp(n, (const xmlChar *)"name");
			if (nm && strcmp((const char *)nm, el) == 0) {
				xmlChar *ty = xmlGetProp(n, (const xmlChar *)"type");
				xmlNodePtr ct = ty ? xsd_named(xsd, "complexType", (const char *)ty) : NULL;
				for (xmlNodePtr c = n->children; !ct && c; c = c->next)
					if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "complexType") == 0)
						ct = c;
				list_type_attrs(xsd, ct, buf, len);
				xmlFree(ty);
			}
			xmlFree(nm);
		}
		valid_attrs(xsd, n->children, el, buf, len);
	}
}

/* The attribute an identity constraint (<xs:unique name="c">) keys on:
** its <xs:field xpath="@a">, "a" into buf ("" if none). */
static void unique_field(xmlNodePtr n, const char *c, char *buf, size_t len)
{
	for (; n && !buf[0]; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *nm = strcmp((const char *)n->name, "unique") == 0 ? xmlGetProp(n, (const xmlChar *)"name") : NULL;
		if (nm && strcmp((const char *)nm, c) == 0) {
			for (xmlNodePtr f = n->children; f; f = f->next) {
				xmlChar *xp = f->type == XML_ELEMENT_NODE && strcmp((const char *)f->name, "field") == 0
						      ? xmlGetProp(f, (const xmlChar *)"xpath")
						      : NULL;
				if (xp && xp[0] == '@' && !buf[0])
					snprintf(buf, len, "%s", (const char *)xp + 1);
				xmlFree(xp);
			}
		}
		xmlFree(nm);
		unique_field(n->children, c, buf, len);
	}
}

void ld_on_xml_error(void *arg, xmlErrorPtr e)
{
	struct errctx *ec = arg;
	char msg[900];
	if (ec->limit)
		return;
	int words = infile_xml_words(e->message, msg, sizeof msg);
	if (words < 0)
		return;
	ec->limit = words == 2;
	const char *file = ec->file;
	int line = e->line;
	if (e->level == XML_ERR_WARNING)
		return;
	if (e->node) {
		xmlNodePtr n = e->node;
		file = ld_file_of(ec->ld, n);
		if (line <= 0)
			line = (int)xmlGetLineNo(n);
		/* "Element 'run', attribute 'bogus': ...": a value an override set */
		const char *at = strstr(msg, "attribute '");
		if (at && n->type == XML_ELEMENT_NODE) {
			char an[128];
			size_t k = 0;
			for (at += 11; *at && *at != '\'' && k + 1 < sizeof an; at++)
				an[k++] = *at;
			an[k] = 0;
			const struct setat *o = set_by(ec->ld, n, an);
			if (o) {
				file = o->where.file;
				line = o->where.line;
			}
		}
		/* a spliced profile misplaced in the scenario: point at the reference */
		for (int i = 0; i < ec->ld->nsp; i++)
			if (ec->ld->sp[i].root == n && strstr(msg, "not expected")) {
				file = ec->ld->sp[i].ref_file;
				line = ec->ld->sp[i].ref_line;
			}
		/* in hvsim's words: with the element's valid attributes for an
		** unknown one, the keyed attribute for a duplicate key */
		char valid[600] = "", field[128] = "", c[128], styled[900];
		if (ec->xsd && n->type == XML_ELEMENT_NODE && strstr(msg, "The attribute '") &&
		    strstr(msg, "is not allowed"))
			valid_attrs(ec->xsd, xmlDocGetRootElement(ec->xsd), (const char *)n->name, valid,
				    sizeof valid);
		if (ec->xsd && xsdmsg_constraint(msg, c, sizeof c))
			unique_field(xmlDocGetRootElement(ec->xsd), c, field, sizeof field);
		struct xsdmsg_ctx cx = { valid, field };
		int r = xsdmsg_restyle(msg, &cx, styled, sizeof styled);
		if (r == 0)
			return;
		if (r > 0)
			snprintf(msg, sizeof msg, "%s", styled);
	}
	diag_error(ec->ld->d, file, line, "%s", msg);
}

/* The schema reads every attribute but the free texts (its xs:string
** ones) as xs:token or a number, whose surrounding whitespace it drops:
** <vm name=" web "> is valid.  The readers take the attribute's text as
** it is, so the tree is given the values the schema checked: else the VM
** was named ' web ' (no vm[web] matched it, its CSV rows held the
** spaces), kind=" burst " was read as no kind and dither=" true " as
** false.  Done once a file is parsed, before the selectors of --set and
** <vary> look names up, and again once --set values are in. */
void ld_trim_attrs(xmlNodePtr n)
{
	static const char *const text[] = { "source", "description", "values", "file" };
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			xmlNodePtr t = a->children;
			int skip = a->ns != NULL || !t || t->type != XML_TEXT_NODE || t->next || !t->content;
			for (size_t i = 0; !skip && i < sizeof text / sizeof *text; i++)
				skip = strcmp((const char *)a->name, text[i]) == 0;
			if (skip)
				continue;
			const char *v = (const char *)t->content, *ws = " \t\r\n";
			size_t b = strspn(v, ws), e = strlen(v);
			while (e > b && strchr(ws, v[e - 1]))
				e--;
			if (b == 0 && v[e] == 0)
				continue;
			xmlChar *cut = xmlStrndup((const xmlChar *)v + b, (int)(e - b));
			if (cut)
				xmlNodeSetContent(t, cut);
			xmlFree(cut);
		}
		ld_trim_attrs(n->children);
	}
}

xmlDocPtr ld_parse_file(struct ld *ld, const char *path, const char *shown)
{
	struct errctx ec = { ld, shown, NULL, 0 };
	char why[200];
	size_t n;
	int wl;
	errno = 0;
	char *text = infile_xml(path, &n, &wl, why, sizeof why);
	if (!text) {
		if (errno == ENOMEM)
			ld_mem(ld, NULL);   /* memory, not the file: ld->oom */
		else
			diag_error(ld->d, shown, wl, "%s", why);
		return NULL;
	}
	xmlParserCtxtPtr pc = ld_mem(ld, xmlNewParserCtxt());
	if (!pc) {
		free(text);
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ec, ld_on_xml_error);
	int before = diag_count(ld->d);
	xmlDocPtr doc = xmlCtxtReadMemory(pc, text, (int)n, path, NULL, INFILE_XML_OPTIONS);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(pc);
	free(text);
	if (!doc && diag_count(ld->d) == before)
		diag_error(ld->d, shown, 0, "expected an XML document, got none");
	if (doc && diag_count(ld->d) > before) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc && !xmlDocGetRootElement(doc)) {
		diag_error(ld->d, shown, 0, "empty document");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	/* Messages name files through ld, never the document's URL; without
	** one, libxml2 (2.9) no longer walks back over every preceding
	** sibling at each validation error looking for an XInclude: 16000
	** bad sibling elements took 10 s, a 16 MiB file of them hours. */
	if (doc && doc->URL) {
		xmlFree((xmlChar *)doc->URL);
		doc->URL = NULL;
	}
	if (doc)
		ld_trim_attrs(xmlDocGetRootElement(doc));
	return doc;
}

/* --------------------------------------------------------- attributes --- */

const char *ld_attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
	if (!a || !a->children || !a->children->content)
		return NULL;
	return (const char *)a->children->content;
}

int ld_bool(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

int ld_is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr ld_next_el(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNodePtr ld_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next))
		if (ld_is_el(c, name))
			return c;
	return NULL;
}

void ld_err_at(struct ld *ld, xmlNodePtr n, const char *an, const char *fmt, const char *v,
		   const char *why)
{
	char what[300];
	if (an)
		snprintf(what, sizeof what, "<%s %s>", (const char *)n->name, an);
	else
		snprintf(what, sizeof what, "<%s>", (const char *)n->name);
	struct scn_loc l = ld_loc_attr(ld, n, an);
	diag_error(ld->d, l.file, l.line, "%s: %s%s%s%s", what, fmt, why ? why : "", v ? ", got " : "", v ? v : "");
}


/* Read attribute an of n with parser p into out.  Returns 1 when present
** and good, 0 when absent (error if required), -1 when malformed. */
int ld_get(struct ld *ld, xmlNodePtr n, const char *an, int required,
	       int (*p)(const char *, void *, const char **), void *out)
{
	const char *v = ld_attr(n, an);
	if (!v) {
		if (required)
			ld_err_at(ld, n, an, "required attribute is missing", NULL, NULL);
		return 0;
	}
	const char *why = NULL;
	if (p(v, out, &why) != 0) {
		char quoted[200];
		snprintf(quoted, sizeof quoted, "'%s'", v);
		ld_err_at(ld, n, an, "expected ", quoted, why ? why : "a valid value");
		return -1;
	}
	return 1;
}

/* "<el an>: expected want, got 'value'": a value outside its range. */
void ld_range_err(struct ld *ld, xmlNodePtr n, const char *an, const char *want)
{
	char quoted[200];
	snprintf(quoted, sizeof quoted, "'%s'", ld_attr(n, an) ? ld_attr(n, an) : "");
	ld_err_at(ld, n, an, "expected ", quoted, want);
}

/* Adapters from the typed unit parsers to ld_get()'s void* form. */
/* Every time of a scenario is at most LIM_TIME (sim/engine/limits.h). */
const char byterate_why[] = "a rate from 1B/s to 1000TB/s";
static const char time_max_why[] = "a time of at most " LIM_TIME_TEXT;

int ld_p_time(const char *s, void *o, const char **w)
{
	int64_t ns;
	if (units_time(s, &ns, w) != 0) {
		if (*w == units_time_big)
			*w = time_max_why;
		return -1;
	}
	if (ns > LIM_TIME) {
		*w = time_max_why;
		return -1;
	}
	*(int64_t *)o = ns;
	return 0;
}
int ld_p_bytes(const char *s, void *o, const char **w) { return units_bytes(s, o, w); }
int ld_p_freq(const char *s, void *o, const char **w) { return units_frequency(s, o, w); }
int ld_p_bitrate(const char *s, void *o, const char **w) { return units_bitrate(s, o, w); }
int ld_p_rate(const char *s, void *o, const char **w) { return units_rate(s, o, w); }
int ld_p_number(const char *s, void *o, const char **w) { return units_number(s, o, w); }
int ld_p_int(const char *s, void *o, const char **w) { return units_int(s, o, w); }
int ld_units_fraction_p(const char *s, void *o, const char **w) { return units_fraction(s, o, w); }

int ld_p_nonneg(const char *s, void *o, const char **w)
{
	if (units_number(s, o, w) != 0 || *(double *)o < 0) {
		*w = "a non-negative number";
		return -1;
	}
	return 0;
}

int ld_p_u64(const char *s, void *o, const char **w)
{
	return units_u64(s, o, w);
}

/* A copy of attribute an ("" when absent), or NULL when memory ran out
** (reported). */
char *ld_dupattr(struct ld *ld, xmlNodePtr n, const char *an)
{
	const char *v = ld_attr(n, an);
	return ld_mem(ld, strdup(v ? v : ""));
}

/* Parse a whitespace-separated list with p (elements of size sz) into a
** new array; returns the count, -1 on a bad item (reported). */
int ld_get_list(struct ld *ld, xmlNodePtr n, const char *an, size_t sz,
		    int (*p)(const char *, void *, const char **), void **out)
{
	const char *v = ld_attr(n, an);
	*out = NULL;
	if (!v)
		return 0;
	char *copy = ld_mem(ld, strdup(v)), *save = NULL;
	int cnt = 0, cap = 0;
	unsigned char *arr = NULL;
	if (!copy)
		return -1;
	for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (cnt == cap) {
			cap = cap ? 2 * cap : 8;
			unsigned char *na = realloc(arr, (size_t)cap * sz);
			if (!na) {
				ld_mem(ld, NULL);
				free(arr);
				free(copy);
				return -1;
			}
			arr = na;
		}
		const char *why = NULL;
		if (p(tok, arr + (size_t)cnt * sz, &why) != 0) {
			char quoted[200];
			snprintf(quoted, sizeof quoted, "'%s' (item %d)", tok, cnt + 1);
			ld_err_at(ld, n, an, "expected a list of ", quoted, why);
			free(arr);
			free(copy);
			return -1;
		}
		cnt++;
	}
	free(copy);
	*out = arr;
	return cnt;
}

