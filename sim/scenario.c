/*
** Scenario loading: XML -> struct scenario (see scenario.h for the steps).
**
** libxml2 reads with XML_PARSE_NONET and without entity substitution or
** DTD loading, so a scenario can never fetch anything; the XSD checks
** structure (and lists valid values of enumerations); this file checks
** meaning: quantities with their units, references between elements,
** matrix sizes, ranges.  Every message names file:line and the element
** and attribute, says what was expected and what was found.
*/
#include "sim/scenario.h"
#include "models/specweb.h"
#include "sim/dist.h"
#include "sim/infile.h"
#include "sim/limits.h"
#include "sim/stats.h"
#include "sim/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

/* The schema, compiled in by the Makefile from sim/scenario.xsd. */
extern const unsigned char scn_xsd[];
extern const unsigned long scn_xsd_len;

/* A profile spliced into the scenario tree, to name its file in messages. */
struct splice {
	xmlNodePtr root;
	const char *file;
	const char *ref_file;    /* where the profile="..." reference stood */
	int ref_line;
};

/* An attribute an override set: messages about it name the override. */
struct setat {
	xmlNodePtr n;            /* NULL once the node is gone (a profile reference) */
	char *attr;
	struct scn_loc where;    /* "--set KEY=VALUE" (line 0), or the override's file:line */
};

struct ld {
	struct scenario *s;
	struct diag *d;
	const char *file;        /* interned main file */
	struct splice sp[8];
	int nsp;
	int nerr0;               /* diag count on entry */
	struct setat *set;       /* attributes set by overrides, in order */
	int nset;
	int oom;                 /* memory ran out: reported, the load fails */
};

#define BAD(ld) ((ld)->oom || diag_count((ld)->d) > (ld)->nerr0)

/* p; when it is NULL, memory ran out: report it (once) and fail the
** load, whose readers stop at the next BAD(). */
static void *mem(struct ld *ld, void *p)
{
	if (!p && !ld->oom) {
		ld->oom = 1;
		diag_error(ld->d, ld->file, 0, "out of memory");
	}
	return p;
}

static const char *intern(struct ld *ld, const char *name)
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
		mem(ld, NULL);
		return "?";
	}
	s->files = nf;
	s->files[s->nfiles++] = dup;
	return dup;
}

static const char *file_of(const struct ld *ld, xmlNodePtr n)
{
	for (; n; n = n->parent)
		for (int i = 0; i < ld->nsp; i++)
			if (ld->sp[i].root == n)
				return ld->sp[i].file;
	return ld->file;
}

static struct scn_loc loc_of(const struct ld *ld, xmlNodePtr n)
{
	struct scn_loc l = { file_of(ld, n), (int)xmlGetLineNo(n) };
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
static struct scn_loc loc_attr(const struct ld *ld, xmlNodePtr n, const char *an)
{
	const struct setat *o = set_by(ld, n, an);
	return o ? o->where : loc_of(ld, n);
}

/* ---------------------------------------------------- libxml2 errors --- */

struct errctx {
	struct ld *ld;
	const char *file;   /* for parse errors: the file being parsed */
	xmlDocPtr xsd;      /* the schema as a document, to list valid attributes */
};

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

static void add_name(char *buf, size_t len, const char *name)
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
			add_name(buf, len, (const char *)n);
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

static void on_xml_error(void *arg, xmlErrorPtr e)
{
	struct errctx *ec = arg;
	char msg[900];
	const char *mapped = infile_xml_message(e->message ? e->message : "");
	if (mapped && !*mapped)
		return;
	snprintf(msg, sizeof msg, "%s", mapped ? mapped : e->message ? e->message : "error");
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = 0;
	const char *file = ec->file;
	int line = e->line;
	if (e->level == XML_ERR_WARNING)
		return;
	if (e->node) {
		xmlNodePtr n = e->node;
		file = file_of(ec->ld, n);
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
		if (ec->xsd && n->type == XML_ELEMENT_NODE && strstr(msg, "is not allowed")) {
			char valid[600] = "";
			valid_attrs(ec->xsd, xmlDocGetRootElement(ec->xsd), (const char *)n->name, valid,
				    sizeof valid);
			if (valid[0] && len + 40 < sizeof msg)
				snprintf(msg + len, sizeof msg - len, " Expected one of: %s.", valid);
		}
	}
	diag_error(ec->ld->d, file, line, "%s", msg);
}

static xmlDocPtr parse_file(struct ld *ld, const char *path, const char *shown)
{
	struct errctx ec = { ld, shown, NULL };
	char why[200];
	size_t n;
	int wl;
	char *text = infile_xml(path, &n, &wl, why, sizeof why);
	if (!text) {
		diag_error(ld->d, shown, wl, "%s", why);
		return NULL;
	}
	xmlParserCtxtPtr pc = xmlNewParserCtxt();
	if (!pc) {
		diag_error(ld->d, shown, 0, "out of memory");
		free(text);
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ec, on_xml_error);
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
	return doc;
}

/* --------------------------------------------------------- attributes --- */

static const char *attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a = xmlHasProp(n, (const xmlChar *)name);
	if (!a || !a->children || !a->children->content)
		return NULL;
	return (const char *)a->children->content;
}

static int is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr next_el(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next))
		if (is_el(c, name))
			return c;
	return NULL;
}

static void err_at(struct ld *ld, xmlNodePtr n, const char *an, const char *fmt, const char *v,
		   const char *why)
{
	char what[300];
	if (an)
		snprintf(what, sizeof what, "<%s %s>", (const char *)n->name, an);
	else
		snprintf(what, sizeof what, "<%s>", (const char *)n->name);
	struct scn_loc l = loc_attr(ld, n, an);
	diag_error(ld->d, l.file, l.line, "%s: %s%s%s%s", what, fmt, why ? why : "", v ? ", got " : "", v ? v : "");
}

typedef int (*unit_fn)(const char *s, void *out, const char **why);

/* Read attribute an of n with parser p into out.  Returns 1 when present
** and good, 0 when absent (error if required), -1 when malformed. */
static int get(struct ld *ld, xmlNodePtr n, const char *an, int required,
	       int (*p)(const char *, void *, const char **), void *out)
{
	const char *v = attr(n, an);
	if (!v) {
		if (required)
			err_at(ld, n, an, "required attribute is missing", NULL, NULL);
		return 0;
	}
	const char *why = NULL;
	if (p(v, out, &why) != 0) {
		char quoted[200];
		snprintf(quoted, sizeof quoted, "'%s'", v);
		err_at(ld, n, an, "expected ", quoted, why ? why : "a valid value");
		return -1;
	}
	return 1;
}

/* "<el an>: expected want, got 'value'": a value outside its range. */
static void range_err(struct ld *ld, xmlNodePtr n, const char *an, const char *want)
{
	char quoted[200];
	snprintf(quoted, sizeof quoted, "'%s'", attr(n, an) ? attr(n, an) : "");
	err_at(ld, n, an, "expected ", quoted, want);
}

/* Adapters from the typed unit parsers to get()'s void* form. */
/* Every time of a scenario is at most LIM_TIME (sim/limits.h). */
static const char byterate_why[] = "a rate from 1B/s to 1000TB/s";
static const char time_max_why[] = "a time of at most " LIM_TIME_TEXT;

static int p_time(const char *s, void *o, const char **w)
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
static int p_bytes(const char *s, void *o, const char **w) { return units_bytes(s, o, w); }
static int p_freq(const char *s, void *o, const char **w) { return units_frequency(s, o, w); }
static int p_bitrate(const char *s, void *o, const char **w) { return units_bitrate(s, o, w); }
static int p_rate(const char *s, void *o, const char **w) { return units_rate(s, o, w); }
static int p_number(const char *s, void *o, const char **w) { return units_number(s, o, w); }
static int p_int(const char *s, void *o, const char **w) { return units_int(s, o, w); }
static int units_fraction_p(const char *s, void *o, const char **w) { return units_fraction(s, o, w); }

static int p_nonneg(const char *s, void *o, const char **w)
{
	if (units_number(s, o, w) != 0 || *(double *)o < 0) {
		*w = "a non-negative number";
		return -1;
	}
	return 0;
}

static int p_u64(const char *s, void *o, const char **w)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		*w = "a non-negative integer below 2^64";
		return -1;
	}
	*(uint64_t *)o = v;
	return 0;
}

/* A copy of attribute an ("" when absent), or NULL when memory ran out
** (reported). */
static char *dupattr(struct ld *ld, xmlNodePtr n, const char *an)
{
	const char *v = attr(n, an);
	return mem(ld, strdup(v ? v : ""));
}

/* Parse a whitespace-separated list with p (elements of size sz) into a
** new array; returns the count, -1 on a bad item (reported). */
static int get_list(struct ld *ld, xmlNodePtr n, const char *an, size_t sz,
		    int (*p)(const char *, void *, const char **), void **out)
{
	const char *v = attr(n, an);
	*out = NULL;
	if (!v)
		return 0;
	char *copy = mem(ld, strdup(v)), *save = NULL;
	int cnt = 0, cap = 0;
	unsigned char *arr = NULL;
	if (!copy)
		return -1;
	for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (cnt == cap) {
			cap = cap ? 2 * cap : 8;
			unsigned char *na = realloc(arr, (size_t)cap * sz);
			if (!na) {
				mem(ld, NULL);
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
			err_at(ld, n, an, "expected a list of ", quoted, why);
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

/* ------------------------------------------------------ the machine --- */

static void read_machine(struct ld *ld, xmlNodePtr m)
{
	struct scn_machine *mc = &ld->s->machine;
	mc->name = dupattr(ld, m, "name");
	mc->loc = loc_of(ld, m);
	if (get(ld, m, "frequency", 1, p_freq, &mc->freq) == 1 &&
	    !(mc->freq >= LIM_FREQ_MIN && mc->freq <= LIM_FREQ_MAX)) {
		range_err(ld, m, "frequency", "a frequency from 1MHz to 1000GHz");
		mc->freq = 0;
	}
	get(ld, m, "mem-latency", 0, p_time, &mc->mem_latency);

	int nn = 0;
	for (xmlNodePtr c = next_el(m->children); c; c = next_el(c->next))
		nn += is_el(c, "node");
	mc->node = calloc((size_t)nn + 1, sizeof *mc->node);
	mc->hops = calloc((size_t)nn * nn + 1, sizeof *mc->hops);
	mc->read = calloc((size_t)nn * nn + 1, sizeof *mc->read);
	mc->write = calloc((size_t)nn * nn + 1, sizeof *mc->write);
	char *seen = calloc((size_t)nn + 1, 1), *rowseen = calloc((size_t)nn + 1, 1);
	int nnic = 0, ndisk = 0;
	for (xmlNodePtr c = next_el(m->children); c; c = next_el(c->next)) {
		nnic += is_el(c, "nic");
		ndisk += is_el(c, "disk");
	}
	mc->nic = calloc((size_t)nnic + 1, sizeof *mc->nic);
	mc->disk = calloc((size_t)ndisk + 1, sizeof *mc->disk);
	if (!mem(ld, mc->node) || !mem(ld, mc->hops) || !mem(ld, mc->read) || !mem(ld, mc->write) ||
	    !mem(ld, seen) || !mem(ld, rowseen) || !mem(ld, mc->nic) || !mem(ld, mc->disk)) {
		free(seen);
		free(rowseen);
		return;
	}
	mc->nnodes = nn;

	xmlNodePtr dist = NULL;
	for (xmlNodePtr c = next_el(m->children); c; c = next_el(c->next)) {
		if (is_el(c, "cache") && mc->ncache < SCN_MAX_CACHES) {
			struct scn_cache *k = &mc->cache[mc->ncache++];
			k->line = 64;
			get(ld, c, "level", 1, p_int, &k->level);
			get(ld, c, "size", 1, p_bytes, &k->size);
			get(ld, c, "line", 0, p_bytes, &k->line);
			const char *sh = attr(c, "shared");
			k->per_node = sh && strcmp(sh, "node") == 0;
			if (k->line <= 0 || k->size < k->line)
				err_at(ld, c, NULL, "expected a cache at least one line long", NULL, NULL);
		} else if (is_el(c, "node")) {
			int id = -1;
			if (get(ld, c, "id", 1, p_int, &id) != 1)
				continue;
			if (id >= nn) {
				char got[32];
				snprintf(got, sizeof got, "%d", id);
				char why[64];
				snprintf(why, sizeof why, "a node id from 0 to %d (ids number the nodes)", nn - 1);
				err_at(ld, c, "id", "expected ", got, why);
				continue;
			}
			seen[id] = 1;
			struct scn_node *nd = &mc->node[id];
			nd->loc = loc_of(ld, c);
			get(ld, c, "cores", 1, p_int, &nd->cores);
			if (get(ld, c, "memory", 1, p_bytes, &nd->memory) == 1 && nd->memory <= 0)
				err_at(ld, c, "memory", "expected a positive size", NULL, NULL);
		} else if (is_el(c, "distances")) {
			dist = c;
		} else if (is_el(c, "nic")) {
			struct scn_nic *k = &mc->nic[mc->nnics++];
			k->name = dupattr(ld, c, "name");
			if (get(ld, c, "rate", 1, p_bitrate, &k->rate) == 1 &&
			    !(k->rate >= LIM_BYTERATE_MIN && k->rate <= LIM_BYTERATE_MAX))
				range_err(ld, c, "rate", byterate_why);
		} else if (is_el(c, "disk")) {
			struct scn_disk *k = &mc->disk[mc->ndisks++];
			k->name = dupattr(ld, c, "name");
			get(ld, c, "size", 0, p_bytes, &k->size);
			if (get(ld, c, "transfer", 1, p_bitrate, &k->transfer) == 1 &&
			    !(k->transfer >= LIM_BYTERATE_MIN && k->transfer <= LIM_BYTERATE_MAX))
				range_err(ld, c, "transfer", byterate_why);
			get(ld, c, "seek", 1, p_time, &k->seek);
			get(ld, c, "rpm", 0, p_number, &k->rpm);
			if (k->rpm != 0 && !(k->rpm >= 1 && k->rpm <= LIM_RPM_MAX))
				range_err(ld, c, "rpm", "0 (no rotational delay) or a speed from 1 to 1000000 rpm");
		}
	}
	if (!BAD(ld) && scn_ncpus(mc) > SCN_MAX_CPUS) {
		char got[32];
		snprintf(got, sizeof got, "%d", scn_ncpus(mc));
		err_at(ld, m, NULL, "expected at most " SCN_STR(SCN_MAX_CPUS) " cores in all", got, "");
	}
	for (int i = 0; i < nn && !BAD(ld); i++)
		if (!seen[i]) {
			char why[80];
			snprintf(why, sizeof why, "<node id=\"%d\"> (ids run from 0 to %d)", i, nn - 1);
			err_at(ld, m, NULL, "expected ", NULL, why);
		}

	if (!dist && nn > 1)
		err_at(ld, m, NULL, "expected a <distances> matrix for a machine with more than one node",
		       NULL, NULL);
	if (!dist) {
		for (int i = 0; i < nn; i++) {
			mc->read[i * nn + i] = 1;
			mc->write[i * nn + i] = 1;
		}
	}
	for (xmlNodePtr r = dist ? next_el(dist->children) : NULL; r; r = next_el(r->next)) {
		int id = -1;
		if (get(ld, r, "node", 1, p_int, &id) != 1)
			continue;
		if (id >= nn) {
			char got[32];
			snprintf(got, sizeof got, "%d", id);
			err_at(ld, r, "node", "expected an existing node id", got, "");
			continue;
		}
		rowseen[id] = 1;
		int *hops = NULL;
		double *rd = NULL, *wr = NULL;
		int nh = get_list(ld, r, "hops", sizeof(int), p_int, (void **)&hops);
		int nr = get_list(ld, r, "read", sizeof(double), p_number, (void **)&rd);
		int nw = get_list(ld, r, "write", sizeof(double), p_number, (void **)&wr);
		const char *names[3] = { "hops", "read", "write" };
		int counts[3] = { nh, nr, nw };
		for (int k = 0; k < 3; k++)
			if (counts[k] >= 0 && counts[k] != nn && !(k == 2 && counts[k] == 0)) {
				char got[48], why[64];
				snprintf(got, sizeof got, "%d", counts[k]);
				snprintf(why, sizeof why, "%d entries, one per node", nn);
				err_at(ld, r, names[k], "expected ", got, why);
				counts[k] = -1;
			}
		if (counts[0] == nn && counts[1] == nn && counts[2] >= 0) {
			for (int j = 0; j < nn; j++) {
				mc->hops[id * nn + j] = hops[j];
				mc->read[id * nn + j] = rd[j];
				mc->write[id * nn + j] = nw ? wr[j] : rd[j];
				if ((j == id) != (hops[j] == 0))
					err_at(ld, r, "hops", "expected 0 hops to the node itself and at least 1 to others",
					       NULL, NULL);
				if (rd[j] <= 0 || (nw && wr[j] <= 0))
					err_at(ld, r, NULL, "expected positive relative access times", NULL, NULL);
			}
		}
		free(hops);
		free(rd);
		free(wr);
	}
	for (int i = 0; dist && i < nn && !BAD(ld); i++) {
		if (!rowseen[i]) {
			char why[64];
			snprintf(why, sizeof why, "a <row node=\"%d\">, one row per node", i);
			err_at(ld, dist, NULL, "expected ", NULL, why);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (mc->hops[i * nn + j] != mc->hops[j * nn + i]) {
				char why[96];
				snprintf(why, sizeof why, "symmetric hop counts: node %d->%d is %d, %d->%d is %d", i,
					 j, mc->hops[i * nn + j], j, i, mc->hops[j * nn + i]);
				err_at(ld, dist, NULL, "expected ", NULL, why);
			}
	}
	free(seen);
	free(rowseen);
}

/* ---------------------------------------------------- the hypervisor --- */

static int p_work(const char *s, void *o, const char **w);

static void read_hypervisor(struct ld *ld, xmlNodePtr h)
{
	struct scn_hypervisor *hv = &ld->s->hv;
	hv->name = dupattr(ld, h, "name");
	hv->kind = dupattr(ld, h, "kind");
	hv->loc = loc_of(ld, h);
	if (!hv->name || !hv->kind)
		return;
	struct scn_costs *k = &hv->costs;
	k->cpu_factor = 1;
	k->refill_overlap = 4;
	xmlNodePtr kc = child(h, "costs");
	if (kc) {
		double fo[2] = { ld->s->machine.freq, 0 };
		if (get(ld, kc, "world-switch", 0, p_work, fo) == 1)
			k->world_switch = fo[1];
		if (get(ld, kc, "host-switch", 0, p_work, fo) == 1)
			k->host_switch = fo[1];
		if (get(ld, kc, "cpu-factor", 0, p_number, &k->cpu_factor) == 1 &&
		    (k->cpu_factor <= 0 || k->cpu_factor > 10))
			err_at(ld, kc, "cpu-factor", "expected a speed factor above 0 and at most 10", NULL, NULL);
		if (get(ld, kc, "refill-overlap", 0, p_number, &k->refill_overlap) == 1 && k->refill_overlap < 1)
			err_at(ld, kc, "refill-overlap", "expected at least 1 miss in flight", NULL, NULL);
	}
	struct scn_io *io = &hv->io;
	int native = strcmp(hv->kind, "native") == 0;
	io->exit = native ? 0 : k->world_switch;
	io->irq_packets = 1;
	io->shadow = 1;
	io->irq_cpu = -2;
	xmlNodePtr xi = child(h, "io");
	if (xi) {
		/* [open] which pCPU takes the host's device interrupts: "woken"
		** (default) the woken thread's own last pCPU, i.e. no pull
		** towards an interrupt pCPU; or a pCPU id (2.6.2x physflat mode
		** routes every IO-APIC interrupt to the first online CPU;
		** irqbalance moves each IRQ to a CPU of its choice) */
		const char *ic = attr(xi, "irq-cpu");
		if (ic && strcmp(ic, "woken") != 0) {
			const char *why;
			int cpu;
			if (units_int(ic, &cpu, &why) || cpu < 0 ||
			    (scn_ncpus(&ld->s->machine) > 0 && cpu >= scn_ncpus(&ld->s->machine)))
				err_at(ld, xi, "irq-cpu", "expected 'woken' or a pCPU of the machine", ic, "");
			else
				io->irq_cpu = cpu;
		}
		static const struct { const char *an; size_t off; } counts[] = {
			{ "exits-tx-packet", offsetof(struct scn_io, exits_tx) },
			{ "exits-rx-packet", offsetof(struct scn_io, exits_rx) },
			{ "exits-interrupt", offsetof(struct scn_io, exits_irq) },
			{ "exits-disk", offsetof(struct scn_io, exits_disk) },
			{ "exits-timer", offsetof(struct scn_io, exits_timer) },
		};
		double fo[2] = { ld->s->machine.freq, 0 };
		io->loc = loc_of(ld, xi);
		/* The emulated NIC's exits, from the 2.6.21 guest drivers
		** (REFERENCE.md sec. 5) [derived]: rtl8139 writes TSD/TSAD per
		** sent packet and reads/acks ISR per interrupt; e1000 one TDT
		** write per transmit call and ~5 register accesses per
		** interrupt, with interrupt moderation (ITR) batching ~4 packets
		** [open]; pcnet (VirtualBox's PCnet-FAST III) a CSR0 poke per
		** packet and ~4 accesses per interrupt [open].  Explicit
		** attributes override the preset. */
		const char *nic = attr(xi, "nic");
		if (nic) {
			static const struct { const char *name; double tx, rx, irq, per_irq; } nics[] = {
				{ "rtl8139", 3, 2, 3, 1 },
				{ "e1000", 1, 0, 5, 4 },
				{ "pcnet", 2, 1, 4, 1 },
			};
			for (size_t i = 0; i < sizeof nics / sizeof nics[0]; i++)
				if (strcmp(nic, nics[i].name) == 0) {
					io->exits_tx = nics[i].tx;
					io->exits_rx = nics[i].rx;
					io->exits_irq = nics[i].irq;
					io->irq_packets = nics[i].per_irq;
				}
		}
		if (get(ld, xi, "exit", 0, p_work, fo) == 1)
			io->exit = fo[1];
		for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
			get(ld, xi, counts[i].an, 0, p_nonneg, (char *)io + counts[i].off);
		if (get(ld, xi, "emu-packet", 0, p_work, fo) == 1)
			io->emu_packet = fo[1];
		if (get(ld, xi, "emu-disk", 0, p_work, fo) == 1)
			io->emu_disk = fo[1];
		if (get(ld, xi, "interrupt-packets", 0, p_nonneg, &io->irq_packets) == 1 && io->irq_packets < 1)
			err_at(ld, xi, "interrupt-packets", "expected at least 1 packet per interrupt", NULL, NULL);
		if (get(ld, xi, "shadow", 0, p_nonneg, &io->shadow) == 1 && (io->shadow < 1 || io->shadow > 100))
			err_at(ld, xi, "shadow", "expected a work multiplier from 1 to 100", NULL, NULL);
		if (native && (io->exit > 0 || io->exits_tx > 0 || io->exits_rx > 0 || io->exits_irq > 0 ||
			       io->exits_disk > 0 || io->exits_timer > 0 || io->emu_packet > 0 || io->emu_disk > 0))
			err_at(ld, xi, NULL,
			       "expected no exits and no emulation under kind=\"native\" (the bare machine)", NULL,
			       NULL);
	}
	xmlNodePtr co = child(h, "coschedule");
	if (co) {
		const char *mode = attr(co, "mode");
		hv->cosched.loc = loc_of(ld, co);
		hv->cosched.mode = strcmp(mode, "strict") == 0 ? 1 : strcmp(mode, "relaxed") == 0 ? 2 : 0;
		hv->cosched.skew = 3 * 1000 * 1000;   /* ESX 3.x default skew threshold [open] */
		if (get(ld, co, "skew", 0, p_time, &hv->cosched.skew) == 1 && hv->cosched.mode != 2)
			err_at(ld, co, "skew", "only used with mode=\"relaxed\"", NULL, NULL);
		if (hv->cosched.skew <= 0)
			err_at(ld, co, "skew", "expected a positive time", NULL, NULL);
	}
	xmlNodePtr d0 = child(h, "dom0");
	if (d0) {
		hv->dom0.weight = 256;
		get(ld, d0, "vcpus", 1, p_int, &hv->dom0.vcpus);
		get(ld, d0, "weight", 0, p_int, &hv->dom0.weight);
		if (strcmp(hv->kind, "xen") != 0)
			err_at(ld, d0, NULL, "expected <dom0> only in a hypervisor of kind=\"xen\"", NULL, NULL);
	}
	xmlNodePtr p = child(h, "policy");
	if (!p)
		return;
	hv->policy.name = dupattr(ld, p, "name");
	hv->policy.loc = loc_attr(ld, p, "name");
	int n = 0;
	for (xmlAttrPtr a = p->properties; a; a = a->next)
		n++;
	hv->policy.param = mem(ld, calloc((size_t)n + 1, sizeof *hv->policy.param));
	for (xmlAttrPtr a = p->properties; a && hv->policy.param; a = a->next) {
		if (strcmp((const char *)a->name, "name") == 0)
			continue;
		struct scn_param *q = &hv->policy.param[hv->policy.nparam++];
		q->key = mem(ld, strdup((const char *)a->name));
		q->value = mem(ld, strdup(a->children && a->children->content ? (const char *)a->children->content
									   : ""));
		if (!q->key || !q->value)
			return;
		q->loc = loc_attr(ld, p, q->key);
	}
}

/* ------------------------------------------------------- workloads --- */

/* A work amount: a time at the machine's frequency, or cycles. */
static int p_work(const char *s, void *o, const char **w)
{
	/* o points at a struct { double freq, out; } */
	double *fo = o;
	int64_t ns;
	const char *w1 = NULL;
	if (units_time(s, &ns, &w1) == 0 || w1 == units_time_big) {
		if (w1 == units_time_big || ns > LIM_TIME) {
			*w = "work of at most " LIM_TIME_TEXT " at the machine's frequency";
			return -1;
		}
		fo[1] = (double)ns * fo[0] / 1e9;
		return 0;
	}
	double c;
	if (units_cycles(s, &c, w) == 0) {
		/* as long as a time of at most LIM_TIME at the machine's clock
		** (the machine is read first; an unknown clock is reported there) */
		if (fo[0] > 0 && c / fo[0] > LIM_TIME_S) {
			*w = "work of at most " LIM_TIME_TEXT " at the machine's frequency";
			return -1;
		}
		fo[1] = c;
		return 0;
	}
	*w = "a time at the machine's frequency (such as 20ms) or cycles (such as 4Mcycles)";
	return -1;
}

static int p_time_d(const char *s, void *o, const char **w)
{
	int64_t ns;
	if (p_time(s, &ns, w) != 0)
		return -1;
	*(double *)o = (double)ns;
	return 0;
}

static void read_dist(struct ld *ld, xmlNodePtr n, struct scn_dist *d, int is_work)
{
	const char *k = attr(n, "dist");
	double fo[2] = { ld->s->machine.freq, 0 };
	d->loc = loc_of(ld, n);
	d->kind = strcmp(k, "exponential") == 0 ? DIST_EXPONENTIAL
		  : strcmp(k, "deterministic") == 0 ? DIST_DETERMINISTIC : DIST_GIVEN;
	if (d->kind == DIST_GIVEN) {
		if (attr(n, "mean"))
			err_at(ld, n, "mean", "not used with dist=\"given\"; expected values=\"...\"", NULL, NULL);
		if (!attr(n, "values")) {
			err_at(ld, n, "values", "required attribute is missing for dist=\"given\"", NULL, NULL);
			return;
		}
		/* given values: parse each as a work amount or a time */
		const char *v = attr(n, "values");
		char *copy = mem(ld, strdup(v)), *save = NULL;
		int cap = 0;
		if (!copy)
			return;
		for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
			const char *why = NULL;
			double x;
			int bad = is_work ? p_work(tok, fo, &why) : p_time_d(tok, &x, &why);
			if (is_work)
				x = fo[1];
			if (bad) {
				char quoted[200];
				snprintf(quoted, sizeof quoted, "'%s' (item %d)", tok, d->nvalues + 1);
				err_at(ld, n, "values", "expected a list of ", quoted, why);
				break;
			}
			if (d->nvalues == cap) {
				cap = cap ? 2 * cap : 8;
				double *nv = realloc(d->values, (size_t)cap * sizeof *nv);
				if (!mem(ld, nv))
					break;
				d->values = nv;
			}
			d->values[d->nvalues++] = x;
		}
		free(copy);
		if (!BAD(ld) && d->nvalues == 0)
			err_at(ld, n, "values", "expected at least one value", NULL, NULL);
		return;
	}
	if (attr(n, "values"))
		err_at(ld, n, "values", "only used with dist=\"given\"", NULL, NULL);
	if (is_work) {
		if (get(ld, n, "mean", 1, p_work, fo) == 1)
			d->mean = fo[1];
	} else {
		get(ld, n, "mean", 1, p_time_d, &d->mean);
	}
}

static char *resolve_rel(const char *base, const char *rel);

static int p_bool(const char *v)
{
	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* A work amount (time at the machine's frequency, or cycles) into *out. */
static int get_work(struct ld *ld, xmlNodePtr n, const char *an, double *out)
{
	double fo[2] = { ld->s->machine.freq, 0 };
	int rc = get(ld, n, an, 0, p_work, fo);
	if (rc == 1)
		*out = fo[1];
	return rc;
}

/* The server side of SPECweb2005 E-commerce.  Every default is [open]:
** the kit publishes no server costs (REFERENCE.md sec. 2).  They are
** round figures for Apache 2.2 + PHP on a 2 GHz K8, to be calibrated
** (issue 5) against the paper's native points P2-P3. */
static void specweb_defaults(struct ld *ld, xmlNodePtr n, struct scn_specweb *o)
{
	double f = ld->s->machine.freq > 0 ? ld->s->machine.freq : 2e9;
	o->loc = loc_of(ld, n);
	o->page_cycles = 0.018 * f;       /* 18 ms of PHP per dynamic page */
	o->image_cycles = 0.0002 * f;     /* 200 us per static image request */
	o->byte_cycles = 1;               /* copy + checksum per reply byte */
	o->kernel_share = 0.3;            /* share in kernel / MMU-heavy code */
	o->ssl_handshake = 0.002 * f;     /* RSA-1024 private-key op, ~2 ms on K8 */
	o->ssl_byte = 20;                 /* RC4/AES + MAC per byte */
	o->besim = 2 * 1000 * 1000;       /* 2 ms round trip to BeSim */
	o->session_memory = 1 << 20;      /* Apache worker + PHP per session */
	o->fileset = 256.0 * (1 << 20);   /* scripts, images, padding files */
	o->link_rate = 100000;            /* the kit's CABLE line */
	o->conns = 2;
	o->not_modified = 1;
	o->timeout = 1;
}

/* The server costs a request replay shares with SPECweb. */
static void read_server_costs(struct ld *ld, xmlNodePtr n, struct scn_specweb *o)
{
	get_work(ld, n, "page-cycles", &o->page_cycles);
	get_work(ld, n, "image-cycles", &o->image_cycles);
	get(ld, n, "byte-cycles", 0, p_nonneg, &o->byte_cycles);
	if (get(ld, n, "kernel-share", 0, units_fraction_p, &o->kernel_share) == 1 && o->kernel_share > 1)
		err_at(ld, n, "kernel-share", "expected a share of at most 1", NULL, NULL);
	get(ld, n, "fileset", 0, p_bytes, &o->fileset);
}

static void read_specweb(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	struct scn_specweb *o = &w->specweb;
	specweb_defaults(ld, n, o);
	w->closed = 1;
	if (get(ld, n, "users", 1, p_int, &w->users) == 1 && w->users > SCN_MAX_USERS)
		err_at(ld, n, "users", "expected at most " SCN_STR(SCN_MAX_USERS) " users", attr(n, "users"), "");
	read_server_costs(ld, n, o);
	get_work(ld, n, "ssl-handshake", &o->ssl_handshake);
	get(ld, n, "ssl-byte", 0, p_nonneg, &o->ssl_byte);
	get(ld, n, "besim", 0, p_time, &o->besim);
	get(ld, n, "session-memory", 0, p_bytes, &o->session_memory);
	if (get(ld, n, "link-rate", 0, p_bitrate, &o->link_rate) == 1 &&
	    !(o->link_rate >= LIM_BYTERATE_MIN && o->link_rate <= LIM_BYTERATE_MAX))
		range_err(ld, n, "link-rate", byterate_why);
	if (get(ld, n, "connections", 0, p_int, &o->conns) == 1 && o->conns > 8)
		err_at(ld, n, "connections", "expected 1 to 8 connections per user", attr(n, "connections"), "");
	const char *ch = attr(n, "chain");
	o->kit_chain = ch && strcmp(ch, "kit") == 0;
	if (attr(n, "not-modified"))
		o->not_modified = p_bool(attr(n, "not-modified"));
	if (attr(n, "timeout"))
		o->timeout = p_bool(attr(n, "timeout"));
	for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next)) {
		const char *pn = attr(c, "name");
		int k = 0;
		while (k < SCN_SPECWEB_PAGES && strcmp(specweb_pages[k].name, pn) != 0)
			k++;
		if (k == SCN_SPECWEB_PAGES) {
			char names[300] = "";
			for (int i = 0; i < SCN_SPECWEB_PAGES; i++)
				add_name(names, sizeof names, specweb_pages[i].name);
			err_at(ld, c, "name", "expected one of the page types ", pn, names);
			continue;
		}
		if (o->page[k] > 0)
			err_at(ld, c, "name", "expected each page type once", pn, "");
		get_work(ld, c, "cycles", &o->page[k]);
	}
}

/* bzip2, netperf and dd (REFERENCE.md sec. 1: the paper's microbenchmarks).
** Defaults are the paper's runs (742 MB file, 10 s TCP stream); the CPU
** figures are [open], to calibrate against P9-P11. */
static void read_micro(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	struct scn_micro *o = &w->micro;
	o->loc = loc_of(ld, n);
	o->size = 742e6;
	/* kernel_share is the share of the work in MMU-heavy kernel code
	** (page faults, fork/exec/mmap, address-space switches), which
	** io.shadow multiplies (io.c).  netperf's and dd's kernel work is
	** copying and checksumming in system calls: it writes no page
	** tables, so shadow paging does not slow it and their share is 0. */
	switch (w->kind) {
	case WL_BZIP2:
		o->cycles_per_byte = 300;     /* ~6 MB/s: bzip2 -9 on a 2 GHz K8 [open] */
		o->block = 900e3;             /* bzip2 -9 blocks (read granularity) */
		o->kernel_share = 0.02;
		break;
	case WL_NETPERF:
		o->block = 16384;             /* netperf TCP_STREAM default send size on Linux */
		o->window = 128 * 1024.0;     /* socket buffer: bytes in flight [open] */
		o->duration = INT64_C(10000000000);
		o->cycles_per_byte = 1;       /* copy + checksum */
		o->kernel_share = 0;          /* copying writes no page tables */
		break;
	default:                              /* dd */
		o->block = 512;               /* dd's default block size */
		o->cycles_per_byte = 1;
		o->kernel_share = 0;          /* as netperf's */
		break;
	}
	if (get(ld, n, "size", 0, p_bytes, &o->size) == 1 && o->size <= 0)
		err_at(ld, n, "size", "expected a positive size", NULL, NULL);
	get(ld, n, "cycles-per-byte", 0, p_nonneg, &o->cycles_per_byte);
	if (get(ld, n, w->kind == WL_NETPERF ? "message" : "block", 0, p_bytes, &o->block) == 1 && o->block < 1)
		err_at(ld, n, w->kind == WL_NETPERF ? "message" : "block", "expected at least 1 byte", NULL, NULL);
	if (get(ld, n, "kernel-share", 0, units_fraction_p, &o->kernel_share) == 1 && o->kernel_share > 1)
		err_at(ld, n, "kernel-share", "expected a share of at most 1", NULL, NULL);
	o->cached = p_bool(attr(n, "cached"));
	static const char *const only[][2] = {
		{ "message", "netperf" }, { "window", "netperf" }, { "duration", "netperf" },
		{ "block", "dd or bzip2" }, { "size", "dd or bzip2" }, { "cached", "bzip2" },
	};
	for (size_t i = 0; i < sizeof only / sizeof only[0]; i++) {
		if (!attr(n, only[i][0]) || strstr(only[i][1], (const char *)n->name))
			continue;
		char why[80];
		snprintf(why, sizeof why, "only used by %s", only[i][1]);
		err_at(ld, n, only[i][0], why, NULL, NULL);
	}
	if (w->kind == WL_NETPERF) {
		get(ld, n, "window", 0, p_bytes, &o->window);
		if (get(ld, n, "duration", 0, p_time, &o->duration) == 1 && o->duration <= 0)
			err_at(ld, n, "duration", "expected a positive time", NULL, NULL);
		if (o->window < o->block)
			err_at(ld, n, "window", "expected at least one message in flight", NULL, NULL);
		else if (o->window / o->block > 65536)
			err_at(ld, n, "window", "expected at most 65536 messages in flight", NULL, NULL);
	}
}

static const char *const wl_kinds[] = { "burst", "activity", "specweb", "bzip2", "netperf", "dd", "requests" };
/* The element each kind needs ("" burst: <open> or <closed>). */
static const char *const wl_child[] = { "", "trace", "specweb", "bzip2", "netperf", "dd", "requests" };

static void read_workload(struct ld *ld, xmlNodePtr n, struct scn_workload *w)
{
	int errs = diag_count(ld->d);
	w->name = dupattr(ld, n, "name");
	if (!w->name)
		return;
	if (strlen(w->name) > SCN_MAX_NAME)
		err_at(ld, n, "name", "expected a name of at most " SCN_STR(SCN_MAX_NAME) " characters", NULL, NULL);
	w->loc = loc_of(ld, n);
	const char *kind = attr(n, "kind");
	int k = 0;
	while (k < (int)(sizeof wl_kinds / sizeof wl_kinds[0]) - 1 && strcmp(kind, wl_kinds[k]) != 0)
		k++;
	w->kind = (enum scn_workload_kind)k;
	w->speed = 1;
	xmlNodePtr body = next_el(n->children);
	const char *want = wl_child[k];
	int burst_body = is_el(body, "open") || is_el(body, "closed");
	if (*want ? !is_el(body, want) : !burst_body) {
		char what[120];
		if (*want)
			snprintf(what, sizeof what, "expected a <%s> element with kind=\"%s\"", want, kind);
		else
			snprintf(what, sizeof what, "expected <open> or <closed> with kind=\"burst\"");
		err_at(ld, n, "kind", what, NULL, NULL);
		return;
	}
	switch (w->kind) {
	case WL_ACTIVITY:
	case WL_REQUESTS:
		w->trace = mem(ld, resolve_rel(file_of(ld, body), attr(body, "file")));
		if (!w->trace)
			return;
		w->trace_loc = loc_of(ld, body);
		w->loop = p_bool(attr(body, "loop"));
		if (get(ld, body, "speed", 0, p_nonneg, &w->speed) == 1 &&
		    !(w->speed >= LIM_SPEED_MIN && w->speed <= LIM_SPEED_MAX))
			range_err(ld, body, "speed", "a speed-up from 1e-6 to 1e6");
		if (w->kind == WL_REQUESTS) {
			specweb_defaults(ld, body, &w->specweb);
			read_server_costs(ld, body, &w->specweb);
		}
		return;
	case WL_SPECWEB:
		read_specweb(ld, body, w);
		return;
	case WL_BZIP2:
	case WL_NETPERF:
	case WL_DD:
		read_micro(ld, body, w);
		return;
	case WL_BURST:
		break;
	}
	xmlNodePtr o = child(n, "open"), c = child(n, "closed");
	if (o) {
		if (get(ld, o, "rate", 1, p_rate, &w->rate) == 1 && w->rate <= 0)
			err_at(ld, o, "rate", "expected a positive arrival rate", NULL, NULL);
		else if (w->rate > 0 && !(w->rate >= LIM_RATE_MIN && w->rate <= LIM_RATE_MAX))
			range_err(ld, o, "rate",
				  "an arrival rate from 1e-8/s to 1e9/s (mean gaps from 100000000s down to 1ns; "
				  "faster, gaps round to 0ns)");
		else if (w->rate * ((double)ld->s->duration / 1e9) > LIM_ARRIVALS) {
			char why[200];
			snprintf(why, sizeof why,
				 "at most " LIM_ARRIVALS_TEXT " arrivals over the run (the rate times the run's "
				 "%.6gs: at most %.6g/s)", (double)ld->s->duration / 1e9,
				 LIM_ARRIVALS / ((double)ld->s->duration / 1e9));
			range_err(ld, o, "rate", why);
		}
	} else if (c) {
		w->closed = 1;
		if (get(ld, c, "users", 1, p_int, &w->users) == 1 && w->users > SCN_MAX_USERS)
			err_at(ld, c, "users", "expected at most " SCN_STR(SCN_MAX_USERS) " users", attr(c, "users"),
			       "");
		xmlNodePtr t = child(c, "think");
		if (t)
			read_dist(ld, t, &w->think, 0);
		else
			w->think.kind = DIST_DETERMINISTIC;   /* zero think time */
	}
	xmlNodePtr dm = child(n, "demand");
	if (dm)
		read_dist(ld, dm, &w->demand, 1);
	if (diag_count(ld->d) == errs && w->closed && dist_mean(&w->think) <= 0 && dist_mean(&w->demand) <= 0)
		err_at(ld, c, NULL,
		       "expected a think time or a demand above 0: users that neither think nor work would "
		       "loop forever at one instant", NULL, NULL);
}

/* "0-3,6" -> pCPU ids, each below ncpus. */
static int parse_cpulist(const char *v, int ncpus, int **out, const char **why)
{
	int n = 0, cap = 0, *ids = NULL;
	/* a set: each pCPU once, however often the list names it ("0-255"
	** 200000 times made 200 MB) */
	unsigned char seen[SCN_MAX_CPUS] = { 0 };
	const char *p = v;
	*why = "a pCPU list such as 0-3,6 with ids below the machine's pCPU count";
	if (ncpus > SCN_MAX_CPUS)
		ncpus = SCN_MAX_CPUS;   /* a machine too large: reported with it */
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;
		if (end == p || a < 0 || a >= ncpus)
			goto bad;
		b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1 || b < a || b >= ncpus)
				goto bad;
			p = end;
		}
		for (long c = a; c <= b; c++) {
			if (seen[c])
				continue;
			seen[c] = 1;
			if (n == cap) {
				cap = cap ? 2 * cap : 8;
				int *ni = realloc(ids, (size_t)cap * sizeof *ni);
				if (!ni)
					goto bad;
				ids = ni;
			}
			ids[n++] = (int)c;
		}
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (n == 0)
		goto bad;
	*out = ids;
	return n;
bad:
	free(ids);
	return -1;
}

static void read_vm(struct ld *ld, xmlNodePtr n, struct scn_vm *v)
{
	const struct scn_machine *m = &ld->s->machine;
	v->name = dupattr(ld, n, "name");
	if (!v->name)
		return;
	if (strlen(v->name) > SCN_MAX_NAME)
		err_at(ld, n, "name", "expected a name of at most " SCN_STR(SCN_MAX_NAME) " characters", NULL, NULL);
	v->loc = loc_of(ld, n);
	v->count = 1;
	v->node = -1;
	v->weight = 256;
	if (get(ld, n, "count", 0, p_int, &v->count) == 1 && v->count > SCN_MAX_VMS)
		err_at(ld, n, "count", "expected at most " SCN_STR(SCN_MAX_VMS) " VMs", attr(n, "count"), "");
	if (get(ld, n, "vcpus", 1, p_int, &v->vcpus) == 1 && v->vcpus > SCN_MAX_CPUS)
		err_at(ld, n, "vcpus", "expected at most " SCN_STR(SCN_MAX_CPUS) " VCPUs", attr(n, "vcpus"), "");
	if (get(ld, n, "memory", 1, p_bytes, &v->memory) == 1 && v->memory <= 0)
		err_at(ld, n, "memory", "expected a positive size", NULL, NULL);
	const char *pl = attr(n, "placement");
	v->placement = !pl || strcmp(pl, "first-touch") == 0 ? PLACE_FIRST_TOUCH
		       : strcmp(pl, "interleave") == 0 ? PLACE_INTERLEAVE : PLACE_BOUND;
	if (get(ld, n, "node", 0, p_int, &v->node) == 1) {
		if (v->node >= m->nnodes) {
			char why[64];
			snprintf(why, sizeof why, "a node id below %d", m->nnodes);
			err_at(ld, n, "node", "expected ", attr(n, "node"), why);
		}
		if (v->placement != PLACE_BOUND)
			err_at(ld, n, "node", "only used with placement=\"bound\"", NULL, NULL);
	}
	get(ld, n, "weight", 0, p_int, &v->weight);
	get(ld, n, "cap", 0, p_int, &v->cap);
	const char *nice = attr(n, "nice");
	if (nice) {
		char *end;
		long x = strtol(nice, &end, 10);
		if (*end || x < -20 || x > 19)
			err_at(ld, n, "nice", "expected a nice level from -20 to 19", nice, "");
		v->nice = (int)x;
	}
	const char *pin = attr(n, "pin");
	if (pin) {
		const char *why;
		v->npin = parse_cpulist(pin, scn_ncpus(m), &v->pin, &why);
		if (v->npin < 0) {
			char quoted[200];
			snprintf(quoted, sizeof quoted, "'%s'", pin);
			err_at(ld, n, "pin", "expected ", quoted, why);
			v->npin = 0;
		}
	}
	if (get(ld, n, "mem-share", 0, units_fraction_p, &v->mem_share) == 1 && v->mem_share >= 1)
		err_at(ld, n, "mem-share", "expected a share below 1", NULL, NULL);
	get(ld, n, "wss", 0, p_bytes, &v->wss);
	/* [open] see models/mux.c: no measurement of how fast a 2.6.21
	** guest re-touches its working set after a switch was found */
	v->footprint_time = 1000000;
	if (get(ld, n, "footprint-time", 0, p_time, &v->footprint_time) == 1 &&
	    (v->footprint_time < 1000 || v->footprint_time > (int64_t)3600 * 1000000000))
		err_at(ld, n, "footprint-time", "expected a time from 1us to 1h", attr(n, "footprint-time"), "");
	if (strcmp(ld->s->hv.kind ? ld->s->hv.kind : "", "vbox") == 0 && v->vcpus > 1)
		err_at(ld, n, "vcpus",
		       "expected 1: VirtualBox 2.0.6 runs each VM on a single EMT thread and supports one VCPU "
		       "per guest (SMP guests came with VirtualBox 3.0)", NULL, NULL);
	/* a 2.6.21 guest's kernel costs [open]: TCP/IP + driver per packet,
	** block layer + driver per disk request, the timer-tick handler */
	double f = m->freq > 0 ? m->freq : 2e9;
	v->guest.lock_time = 20 * 1000;
	v->guest.tick = 2e-6 * f;
	v->guest.os_memory = 128.0 * (1 << 20);
	v->guest.packet = 3e-6 * f;
	v->guest.disk = 10e-6 * f;
	xmlNodePtr g = child(n, "guest");
	if (g) {
		if (get(ld, g, "lock-hold", 0, units_fraction_p, &v->guest.lock_hold) == 1 && v->guest.lock_hold >= 1)
			err_at(ld, g, "lock-hold", "expected a share below 1", NULL, NULL);
		/* below ~a cache miss a critical section costs more events than
		** it models (each section is two events) */
		if (get(ld, g, "lock-time", 0, p_time, &v->guest.lock_time) == 1 && v->guest.lock_time < 100)
			err_at(ld, g, "lock-time", "expected at least 100ns", attr(g, "lock-time"), "");
		if (get(ld, g, "timer-hz", 0, p_int, &v->guest.timer_hz) == 1 && v->guest.timer_hz > 10000)
			err_at(ld, g, "timer-hz", "expected at most 10000 ticks per second", attr(g, "timer-hz"), "");
		get_work(ld, g, "tick", &v->guest.tick);
		get(ld, g, "os-memory", 0, p_bytes, &v->guest.os_memory);
		get_work(ld, g, "packet", &v->guest.packet);
		get_work(ld, g, "disk", &v->guest.disk);
	}
	if (v->guest.os_memory >= v->memory && v->memory > 0)
		err_at(ld, g ? g : n, "os-memory", "expected less than the VM's memory", NULL, NULL);
	for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next))
		v->nworkloads += is_el(c, "workload");
	v->workload = mem(ld, calloc((size_t)v->nworkloads + 1, sizeof *v->workload));
	if (!v->workload) {
		v->nworkloads = 0;
		return;
	}
	int k = 0;
	for (xmlNodePtr c = next_el(n->children); c && !ld->oom; c = next_el(c->next)) {
		if (!is_el(c, "workload"))
			continue;
		read_workload(ld, c, &v->workload[k++]);
	}
}

static void read_run(struct ld *ld, xmlNodePtr r)
{
	struct scenario *s = ld->s;
	s->seed = 1;
	s->batches = 20;
	if (get(ld, r, "duration", 1, p_time, &s->duration) == 1 && s->duration <= 0)
		err_at(ld, r, "duration", "expected a positive time", NULL, NULL);
	get(ld, r, "warmup", 0, p_time, &s->warmup);
	get(ld, r, "seed", 0, p_u64, &s->seed);
	if (get(ld, r, "batches", 0, p_int, &s->batches) == 1 &&
	    (s->batches < 2 || s->batches > STATS_MAX_BATCHES))
		err_at(ld, r, "batches", "expected between 2 and 1000 batches", NULL, NULL);
	if (s->duration > 0 && s->warmup >= s->duration) {
		char why[96];
		snprintf(why, sizeof why, "a warm-up shorter than the duration (%s)", attr(r, "duration"));
		err_at(ld, r, "warmup", "expected ", attr(r, "warmup"), why);
	}
}

/* QoS: the paper's rule unless standard="official"; single values override. */
static void read_qos(struct ld *ld, xmlNodePtr q)
{
	struct scn_qos *o = &ld->s->qos;
	if (!q)
		return;
	o->loc = loc_of(ld, q);
	const char *st = attr(q, "standard");
	if (st && strcmp(st, "official") == 0)
		o->good = 0.95;
	get(ld, q, "good", 0, units_fraction_p, &o->good);
	get(ld, q, "tolerable", 0, units_fraction_p, &o->tolerable);
	if (get(ld, q, "time-good", 0, p_time, &o->time_good) == 1 && o->time_good <= 0)
		err_at(ld, q, "time-good", "expected a positive time", NULL, NULL);
	if (get(ld, q, "time-tolerable", 0, p_time, &o->time_tolerable) == 1 && o->time_tolerable <= 0)
		err_at(ld, q, "time-tolerable", "expected a positive time", NULL, NULL);
	get(ld, q, "min-pages", 0, p_int, &o->min_pages);
	if (o->time_tolerable < o->time_good) {
		char why[160], a[32], b[32];
		snprintf(why, sizeof why, "a time-tolerable (%s) at least time-good (%s)",
			 units_fmt_time(o->time_tolerable, a, sizeof a), units_fmt_time(o->time_good, b, sizeof b));
		err_at(ld, q, NULL, "expected ", NULL, why);
	}
	if (o->good > 1 || o->tolerable > 1) {
		err_at(ld, q, NULL, "expected good and tolerable shares of at most 100%", NULL, NULL);
	} else if (o->tolerable < o->good) {
		/* within the longer time at least as many pages as within the shorter */
		char why[160];
		snprintf(why, sizeof why, "a tolerable share at least the good share (%.4g%%)", 100 * o->good);
		range_err(ld, q, attr(q, "tolerable") ? "tolerable" : "good", why);
	}
}

static void qos_defaults(struct scn_qos *o)
{
	o->good = 0.97;
	o->tolerable = 0.99;
	o->time_good = INT64_C(3000000000);
	o->time_tolerable = INT64_C(5000000000);
	o->min_pages = 100;
}

static void read_capacity(struct ld *ld, xmlNodePtr c)
{
	struct scn_capacity *o = &ld->s->capacity;
	o->min = 1;
	o->max = 5000;
	o->replications = 3;   /* SPECweb2005 reports the runs of 3 iterations */
	o->resolution = 1;
	if (!c)
		return;
	o->loc = loc_of(ld, c);
	const char *wl = attr(c, "workload");
	o->workload = wl ? mem(ld, strdup(wl)) : NULL;
	get(ld, c, "min", 0, p_int, &o->min);
	if (get(ld, c, "max", 0, p_int, &o->max) == 1 && o->max > SCN_MAX_USERS)
		err_at(ld, c, "max", "expected at most " SCN_STR(SCN_MAX_USERS) " users", attr(c, "max"), "");
	if (get(ld, c, "replications", 0, p_int, &o->replications) == 1 && o->replications > SCN_MAX_REPLICATIONS)
		err_at(ld, c, "replications", "expected at most " SCN_STR(SCN_MAX_REPLICATIONS) " replications",
		       attr(c, "replications"), "");
	get(ld, c, "resolution", 0, p_int, &o->resolution);
	if (o->min > o->max)
		err_at(ld, c, "min", "expected at most max", attr(c, "min"), "");
}

/* The capacity search needs closed workloads in VMs to vary. */
static void check_capacity(struct ld *ld, xmlNodePtr root)
{
	struct scenario *s = ld->s;
	const char *name = s->capacity.workload;
	int found = 0;
	double web_vms = 0;
	for (int i = 0; i < s->nvms; i++)
		for (int k = 0; k < s->vm[i].nworkloads; k++)
			if (!name || strcmp(s->vm[i].workload[k].name, name) == 0) {
				found += s->vm[i].workload[k].closed;
				web_vms += s->vm[i].workload[k].kind == WL_SPECWEB ? s->vm[i].count : 0;
			}
	xmlNodePtr c = child(root, "capacity");
	if (web_vms * s->capacity.max > SCN_MAX_SESSIONS && !(c && attr(c, "max"))) {
		/* the default bound shrinks to what the simulator can hold */
		s->capacity.max = (int)floor(SCN_MAX_SESSIONS / web_vms);
		if (s->capacity.min > s->capacity.max)
			s->capacity.min = s->capacity.max;
	} else if (web_vms * s->capacity.max > SCN_MAX_SESSIONS) {
		char why[200];
		snprintf(why, sizeof why, "a max with at most " SCN_STR(SCN_MAX_SESSIONS)
			 " SPECweb sessions over the %.0f VMs it varies (%.0f per VM)", web_vms,
			 floor(SCN_MAX_SESSIONS / web_vms));
		err_at(ld, c ? c : root, "max", "expected ", NULL, why);
	}
	if (name && !found) {
		err_at(ld, c ? c : root, "workload", "expected the name of a closed workload inside a <vm>", name, "");
	}
}

/* A number with an optional unit suffix ("10ms" -> 10, "ms"); 0 or -1. */
static int split_unit(const char *v, double *x, const char **unit)
{
	char *end;
	errno = 0;
	*x = strtod(v, &end);
	if (end == v || errno || !isfinite(*x) || *end == ' ')
		return -1;
	*unit = end;
	return 0;
}

/* from/to/step -> the values "from", "from+step", ... up to to (a
** tolerance of 1e-9 steps absorbs the rounding of from + i step). */
static int range_values(struct ld *ld, xmlNodePtr n, struct scn_vary *v)
{
	const char *an[3] = { "from", "to", "step" }, *unit[3] = { "", "", "" }, *raw[3];
	double x[3] = { 0, 0, 1 };
	for (int k = 0; k < 3; k++) {
		raw[k] = attr(n, an[k]);
		if (!raw[k])
			continue;
		if (split_unit(raw[k], &x[k], &unit[k])) {
			char q[200];
			snprintf(q, sizeof q, "'%s'", raw[k]);
			err_at(ld, n, an[k], "expected ", q, "a number, optionally with a unit (such as 4 or 10ms)");
			return -1;
		}
	}
	if (!raw[0] || !raw[1]) {
		err_at(ld, n, raw[0] ? "to" : "from", "required attribute is missing with from/to/step", NULL, NULL);
		return -1;
	}
	for (int k = 1; k < 3; k++)
		if (raw[k] && strcmp(unit[k], unit[0]) != 0) {
			char why[200];
			snprintf(why, sizeof why, "the unit of from ('%s')", unit[0]);
			err_at(ld, n, an[k], "expected ", raw[k], why);
			return -1;
		}
	if (x[2] == 0 || (x[1] - x[0]) * x[2] < 0) {
		err_at(ld, n, "step", "expected a step that goes from 'from' towards 'to'", raw[2] ? raw[2] : "1", "");
		return -1;
	}
	double cnt = floor((x[1] - x[0]) / x[2] + 1e-9) + 1;
	if (cnt > SCN_MAX_POINTS) {
		err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_POINTS) " values", NULL, NULL);
		return -1;
	}
	v->nvalues = (int)cnt;
	v->values = mem(ld, calloc((size_t)v->nvalues, sizeof *v->values));
	if (!v->values) {
		v->nvalues = 0;
		return -1;
	}
	for (int i = 0; i < v->nvalues; i++) {
		char buf[128];
		snprintf(buf, sizeof buf, "%.12g%s", x[0] + i * x[2], unit[0]);
		if (!(v->values[i] = mem(ld, strdup(buf))))
			return -1;
	}
	return 0;
}

static void read_sweep(struct ld *ld, xmlNodePtr n)
{
	struct scn_sweep *o = &ld->s->sweep;
	if (!n)
		return;
	o->present = 1;
	o->loc = loc_of(ld, n);
	const char *mode = attr(n, "mode");
	o->mode = mode && strcmp(mode, "capacity") == 0 ? SWEEP_CAPACITY : SWEEP_RUN;
	for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next))
		o->nvary += is_el(c, "vary");
	if (o->nvary > SCN_MAX_VARY) {
		char got[32];
		snprintf(got, sizeof got, "%d", o->nvary);
		err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_VARY) " <vary> elements", got, "");
		o->nvary = 0;
	}
	o->vary = mem(ld, calloc((size_t)o->nvary + 1, sizeof *o->vary));
	if (!o->vary) {
		o->nvary = 0;
		return;
	}
	double points = 1;
	int k = 0;
	for (xmlNodePtr c = next_el(n->children); c && k < o->nvary && !ld->oom; c = next_el(c->next)) {
		if (!is_el(c, "vary"))
			continue;
		struct scn_vary *v = &o->vary[k++];
		v->key = dupattr(ld, c, "key");
		v->loc = loc_of(ld, c);
		if (!v->key)
			return;
		for (int j = 0; j < k - 1; j++)
			if (o->vary[j].key && strcmp(o->vary[j].key, v->key) == 0) {
				char why[96];
				snprintf(why, sizeof why, "a key not varied already (line %d)", o->vary[j].loc.line);
				err_at(ld, c, "key", "expected ", v->key, why);
			}
		if (strchr(v->key, '=') || !v->key[0] || v->key[0] == '.' || strstr(v->key, "..")) {
			err_at(ld, c, "key", "expected a --set path such as vm[web].count or hypervisor.profile", v->key,
			       "");
			continue;
		}
		const char *list = attr(c, "values");
		if (list && (attr(c, "from") || attr(c, "to") || attr(c, "step"))) {
			err_at(ld, c, NULL, "expected either values=\"...\" or from/to/step, not both", NULL, NULL);
			continue;
		}
		if (!list && !attr(c, "from") && !attr(c, "to")) {
			err_at(ld, c, NULL, "expected values=\"1 2 4\" or from=\"1\" to=\"10\" step=\"1\"", NULL, NULL);
			continue;
		}
		if (list) {
			char *copy = mem(ld, strdup(list)), *save = NULL;
			int nv = 0;
			if (!copy)
				return;
			for (char *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
				nv++;
			free(copy);
			if (nv > SCN_MAX_POINTS) {
				/* before the distinct-values check, quadratic in them */
				err_at(ld, c, "values", "expected at most " SCN_STR(SCN_MAX_POINTS) " values", NULL, NULL);
				continue;
			}
			v->values = mem(ld, calloc((size_t)nv + 1, sizeof *v->values));
			copy = v->values ? mem(ld, strdup(list)) : NULL;
			if (!copy)
				return;
			for (char *t = strtok_r(copy, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
				if (!(v->values[v->nvalues] = mem(ld, strdup(t))))
					break;
				v->nvalues++;
			}
			free(copy);
			if (ld->oom)
				return;
			if (v->nvalues == 0)
				err_at(ld, c, "values", "expected at least one value", "''", "");
		} else if (range_values(ld, c, v)) {
			if (ld->oom)
				return;
			continue;
		}
		/* rows of sweep.csv are told apart by their values */
		for (int i = 0; i < v->nvalues; i++)
			for (int j = 0; j < i; j++)
				if (strcmp(v->values[i], v->values[j]) == 0) {
					char q[160];
					snprintf(q, sizeof q, "'%s' twice", v->values[i]);
					err_at(ld, c, "values", "expected distinct values", q, "");
					i = v->nvalues;
					break;
				}
		points *= v->nvalues;
	}
	if (points > SCN_MAX_POINTS) {
		char got[64];
		snprintf(got, sizeof got, "%.0f", points);
		err_at(ld, n, NULL, "expected at most " SCN_STR(SCN_MAX_POINTS) " points in all", got, "");
	}
	o->npoints = BAD(ld) ? 0 : (int)points;
}

/* ------------------------------------------------ profiles, --set --- */

/* rel relative to the directory of file base (malloc'd), or NULL when
** memory ran out. */
static char *resolve_rel(const char *base, const char *rel)
{
	if (rel[0] == '/')
		return strdup(rel);
	const char *slash = strrchr(base, '/');
	size_t dl = slash ? (size_t)(slash - base + 1) : 0;
	char *p = malloc(dl + strlen(rel) + 1);
	if (!p)
		return NULL;
	memcpy(p, base, dl);
	strcpy(p + dl, rel);
	return p;
}

/* Replace <machine profile="p"/> (or <hypervisor ...>) by a copy of the
** profile's root; nodes keep their line numbers and file_of() maps them
** back to the profile's file. */
static void splice_profiles(struct ld *ld, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr c = next_el(root->children); c;) {
		xmlNodePtr next = next_el(c->next);
		const char *prof = attr(c, "profile");
		if (!prof || !(is_el(c, "machine") || is_el(c, "hypervisor"))) {
			c = next;
			continue;
		}
		if (c->properties->next || c->properties != xmlHasProp(c, (const xmlChar *)"profile") ||
		    next_el(c->children)) {
			err_at(ld, c, NULL,
			       "expected only profile=\"...\" on a profile reference (change profile values with --set)",
			       NULL, NULL);
			c = next;
			continue;
		}
		char *path = mem(ld, resolve_rel(ld->file, prof));
		if (!path)
			return;
		const char *shown = intern(ld, path);
		free(path);
		if (ld->oom)
			return;
		xmlDocPtr pd = parse_file(ld, shown, shown);
		if (!pd) {
			struct scn_loc l = loc_attr(ld, c, "profile");
			diag_error(ld->d, l.file, l.line,
				   "<%s profile>: expected a readable %s profile, '%s' is not (see above)",
				   (const char *)c->name, (const char *)c->name, prof);
			c = next;
			continue;
		}
		xmlNodePtr pr = xmlDocGetRootElement(pd);
		if (!is_el(pr, (const char *)c->name)) {
			diag_error(ld->d, shown, (int)xmlGetLineNo(pr), "expected a <%s> profile, got <%s>",
				   (const char *)c->name, (const char *)pr->name);
		} else if (ld->nsp < (int)(sizeof ld->sp / sizeof ld->sp[0])) {
			xmlNodePtr copy = mem(ld, xmlDocCopyNode(pr, doc, 1));
			const char *ref_file = file_of(ld, c);
			int ref_line = (int)xmlGetLineNo(c);
			if (copy) {
				for (int i = 0; i < ld->nset; i++)
					if (ld->set[i].n == c)
						ld->set[i].n = NULL;
				xmlReplaceNode(c, copy);
				xmlFreeNode(c);
				ld->sp[ld->nsp].root = copy;
				ld->sp[ld->nsp].file = shown;
				ld->sp[ld->nsp].ref_file = ref_file;
				ld->sp[ld->nsp].ref_line = ref_line;
				ld->nsp++;
			}
		}
		xmlFreeDoc(pd);
		c = next;
	}
}

/* The element a --set step names among n's children, or NULL (reported). */
static xmlNodePtr step(struct ld *ld, const struct scn_override *o, xmlNodePtr n, const char *st)
{
	char name[128], sel[128] = "";
	const char *br = strchr(st, '[');
	size_t nl = br ? (size_t)(br - st) : strlen(st);
	if (nl == 0 || nl >= sizeof name) {
		diag_error(ld->d, "--set", 0, "%s: expected an element name, got '%s'", o->key, st);
		return NULL;
	}
	memcpy(name, st, nl);
	name[nl] = 0;
	if (br) {
		const char *end = strchr(br, ']');
		size_t sl = end ? (size_t)(end - br - 1) : 0;
		if (!end || end[1] || sl == 0 || sl >= sizeof sel) {
			diag_error(ld->d, "--set", 0, "%s: expected name[INDEX] or name[ID], got '%s'", o->key, st);
			return NULL;
		}
		memcpy(sel, br + 1, sl);
		sel[sl] = 0;
	}
	xmlNodePtr found = NULL;
	int count = 0;
	char *endp;
	long idx = strtol(sel, &endp, 10);
	int numeric = sel[0] && !*endp;
	for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next)) {
		if (!is_el(c, name))
			continue;
		const char *id = attr(c, "name") ? attr(c, "name") : attr(c, "id");
		if (!found && (!sel[0] || (numeric ? count == idx : id && strcmp(id, sel) == 0)))
			found = c;
		count++;
	}
	if (!br && count > 1) {
		diag_error(ld->d, "--set", 0, "%s: there are %d <%s> elements; expected %s[0]..%s[%d] or %s[ID]",
			   o->key, count, name, name, name, count - 1, name);
		return NULL;
	}
	if (!found) {
		char valid[400] = "";
		size_t vl = 0;
		for (xmlNodePtr c = next_el(n->children); c; c = next_el(c->next)) {
			if (strstr(valid, (const char *)c->name))
				continue;
			vl += (size_t)snprintf(valid + vl, sizeof valid - vl, "%s%s", vl ? ", " : "",
					       (const char *)c->name);
			if (vl >= sizeof valid)
				break;
		}
		diag_error(ld->d, "--set", 0, "%s: <%s> has no child %s; expected one of: %s", o->key,
			   (const char *)n->name, st, vl ? valid : "(none)");
	}
	return found;
}

/* Apply one override to doc: walk the element steps, set the attribute. */
static void apply_override(struct ld *ld, xmlDocPtr doc, const struct scn_override *o,
			   const struct scn_origin *from)
{
	char *key = mem(ld, strdup(o->key)), *save = NULL;
	char *parts[32];
	int np = 0;
	if (!key)
		return;
	for (char *t = strtok_r(key, ".", &save); t && np < 32; t = strtok_r(NULL, ".", &save))
		parts[np++] = t;
	if (np < 1 || strchr(o->key, '=') || strstr(o->key, "..") || o->key[0] == '.') {
		diag_error(ld->d, "--set", 0, "%s: expected KEY=VALUE with KEY like run.duration or machine.node[1].memory",
			   o->key);
		free(key);
		return;
	}
	xmlNodePtr n = xmlDocGetRootElement(doc);
	/* a leading root name is optional: scenario.run.duration == run.duration */
	int i = (np > 1 && strcmp(parts[0], (const char *)n->name) == 0) ? 1 : 0;
	for (; n && i < np - 1; i++)
		n = step(ld, o, n, parts[i]);
	if (n && !mem(ld, xmlSetProp(n, (const xmlChar *)parts[np - 1], (const xmlChar *)o->value)))
		n = NULL;
	if (n) {
		struct setat *ns = mem(ld, realloc(ld->set, (size_t)(ld->nset + 1) * sizeof *ns));
		char *an = mem(ld, strdup(parts[np - 1]));
		if (ns)
			ld->set = ns;
		if (ns && an) {
			struct setat *t = &ld->set[ld->nset++];
			t->n = n;
			t->attr = an;
			if (from && from->file) {
				t->where.file = intern(ld, from->file);
				t->where.line = from->line;
			} else {
				size_t len = strlen(o->key) + strlen(o->value) + 8;
				char *w = mem(ld, malloc(len));
				if (w)
					snprintf(w, len, "--set %s=%s", o->key, o->value);
				t->where.file = intern(ld, w ? w : "--set");
				t->where.line = 0;
				free(w);
			}
		} else {
			free(an);
		}
	}
	free(key);
}

static int ends_with_profile(const char *key)
{
	size_t l = strlen(key);
	return l >= 8 && strcmp(key + l - 8, ".profile") == 0;
}

static void validate(struct ld *ld, xmlDocPtr doc)
{
	struct errctx ec = { ld, ld->file,
			     xmlReadMemory((const char *)scn_xsd, (int)scn_xsd_len, "scenario.xsd", NULL, XML_PARSE_NONET) };
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)scn_xsd, (int)scn_xsd_len);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	if (!vc) {
		diag_error(ld->d, ld->file, 0, "internal error: the built-in schema does not compile");
	} else {
		xmlSchemaSetValidStructuredErrors(vc, on_xml_error, &ec);
		xmlSchemaValidateDoc(vc, doc);
	}
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	xmlFreeDoc(ec.xsd);
}

/* The name of VM i's copy r (as models/vm.c names them) into buf. */
static void vm_name(const struct scn_vm *v, int r, char *buf, size_t len)
{
	if (v->count > 1)
		snprintf(buf, len, "%s%d", v->name, r + 1);
	else
		snprintf(buf, len, "%s", v->name);
}

/* Every VM's name unique once count= is expanded (and not Dom0's). */
static void check_vm_names(struct ld *ld)
{
	const struct scenario *s = ld->s;
	char a[96], b[96];
	for (int i = 0; i < s->nvms; i++)
		for (int r = 0; r < s->vm[i].count; r++) {
			vm_name(&s->vm[i], r, a, sizeof a);
			if (s->hv.dom0.vcpus > 0 && strcmp(a, "Domain-0") == 0) {
				diag_error(ld->d, s->vm[i].loc.file, s->vm[i].loc.line,
					   "<vm name>: expected a name other than Xen's Domain-0, got '%s'", a);
				return;
			}
			/* the earlier VMs whose expanded names could be a */
			for (int j = 0; j < i; j++) {
				size_t bl = strlen(s->vm[j].name);
				if (strncmp(a, s->vm[j].name, bl) != 0)
					continue;
				for (int q = 0; q < s->vm[j].count; q++) {
					vm_name(&s->vm[j], q, b, sizeof b);
					if (strcmp(a, b) != 0)
						continue;
					char why[300];
					snprintf(why, sizeof why,
						 "a name of its own after count= expansion: '%s' is also a VM of <vm "
						 "name=\"%s\"%s> (line %d)", a, s->vm[j].name,
						 s->vm[j].count > 1 ? " count=..." : "", s->vm[j].loc.line);
					diag_error(ld->d, s->vm[i].loc.file, s->vm[i].loc.line, "<vm name>: expected %s",
						   why);
					return;
				}
			}
		}
}

/* Whole-scenario checks: something to run; the VMs fit in memory. */
static void check_totals(struct ld *ld, xmlNodePtr root)
{
	struct scenario *s = ld->s;
	if (BAD(ld))
		return;
	int jobs = s->nworkloads;
	for (int i = 0; i < s->nvms; i++)
		jobs += s->vm[i].nworkloads;
	if (jobs == 0)
		err_at(ld, root, NULL, "expected at least one <workload>, on the host or inside a <vm>", NULL, NULL);
	/* each simulated SPECweb session costs ~1.3 KB of the simulator's own
	** memory (its page, connections and requests): bound the total */
	double sessions = 0;
	for (int i = 0; i < s->nvms; i++)
		for (int k = 0; k < s->vm[i].nworkloads; k++)
			if (s->vm[i].workload[k].kind == WL_SPECWEB)
				sessions += (double)s->vm[i].workload[k].users * s->vm[i].count;
	if (sessions > SCN_MAX_SESSIONS) {
		char why[160];
		snprintf(why, sizeof why, "at most " SCN_STR(SCN_MAX_SESSIONS)
			 " SPECweb sessions over all VMs (about 1.3 KB of simulator memory each); got %.0f", sessions);
		err_at(ld, root, NULL, "expected ", NULL, why);
	}
	/* VMs after count expansion: how many, and names of their own
	** (name1..nameN of a count must not meet another VM's name) */
	double vms = 0;
	for (int i = 0; i < s->nvms; i++)
		vms += s->vm[i].count;
	if (vms > SCN_MAX_VMS) {
		char why[160];
		snprintf(why, sizeof why, "at most " SCN_STR(SCN_MAX_VMS) " VMs in all (after count=), got %.0f", vms);
		err_at(ld, root, NULL, "expected ", NULL, why);
		return;
	}
	check_vm_names(ld);
	double need = 0, have = 0;
	for (int i = 0; i < s->nvms; i++)
		need += s->vm[i].memory * s->vm[i].count;
	for (int i = 0; i < s->machine.nnodes; i++)
		have += s->machine.node[i].memory;
	if (need > have) {
		char why[160];
		snprintf(why, sizeof why, "VMs that fit in the machine's %.4g GiB of memory; they need %.4g GiB",
			 have / (1 << 30), need / (1 << 30));
		err_at(ld, root, NULL, "expected ", NULL, why);
	}
}

static void free_sets(struct ld *ld)
{
	for (int i = 0; i < ld->nset; i++)
		free(ld->set[i].attr);
	free(ld->set);
	ld->set = NULL;
	ld->nset = 0;
}

/* ------------------------------------------------------------ load --- */

int scn_load(struct scenario *s, const char *path, const struct scn_override *ov, int nov,
	     int profile_ok, struct diag *d)
{
	return scn_load_from(s, path, ov, NULL, nov, profile_ok, d);
}

int scn_load_from(struct scenario *s, const char *path, const struct scn_override *ov,
		  const struct scn_origin *from, int nov, int profile_ok, struct diag *d)
{
	memset(s, 0, sizeof *s);
	struct ld ld = { .s = s, .d = d, .nerr0 = diag_count(d), .file = path };
	xmlDocPtr doc = NULL;
	s->file = mem(&ld, strdup(path));
	ld.file = intern(&ld, path);
	if (ld.oom)
		goto fail;
	doc = parse_file(&ld, path, ld.file);
	if (!doc)
		goto fail;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int is_scn = is_el(root, "scenario");
	if (!is_scn && !(profile_ok && (is_el(root, "machine") || is_el(root, "hypervisor")))) {
		diag_error(d, ld.file, (int)xmlGetLineNo(root), "expected a <scenario>%s root element, got <%s>",
			   profile_ok ? ", <machine> or <hypervisor>" : "", (const char *)root->name);
		goto fail;
	}
	for (int i = 0; i < nov; i++)
		if (ends_with_profile(ov[i].key))
			apply_override(&ld, doc, &ov[i], from ? &from[i] : NULL);
	if (is_scn)
		splice_profiles(&ld, doc);
	for (int i = 0; i < nov; i++)
		if (!ends_with_profile(ov[i].key))
			apply_override(&ld, doc, &ov[i], from ? &from[i] : NULL);
	if (BAD(&ld))
		goto fail;
	validate(&ld, doc);
	if (BAD(&ld))
		goto fail;

	if (is_scn) {
		s->name = dupattr(&ld, root, "name");
		int nw = 0, nv = 0;
		for (xmlNodePtr c = next_el(root->children); c; c = next_el(c->next)) {
			nw += is_el(c, "workload");
			nv += is_el(c, "vm");
		}
		s->workload = mem(&ld, calloc((size_t)nw + 1, sizeof *s->workload));
		s->vm = mem(&ld, calloc((size_t)nv + 1, sizeof *s->vm));
		if (ld.oom)
			goto fail;
		s->nworkloads = nw;
		s->nvms = nv;
		int k = 0, kv = 0;
		qos_defaults(&s->qos);
		read_qos(&ld, child(root, "qos"));
		read_capacity(&ld, child(root, "capacity"));
		read_sweep(&ld, child(root, "sweep"));
		for (xmlNodePtr c = next_el(root->children); c && !ld.oom; c = next_el(c->next)) {
			if (is_el(c, "run"))
				read_run(&ld, c);
			else if (is_el(c, "machine"))
				read_machine(&ld, c);
			else if (is_el(c, "hypervisor"))
				read_hypervisor(&ld, c);
			else if (is_el(c, "workload"))
			{
				struct scn_workload *hw = &s->workload[k++];
				read_workload(&ld, c, hw);
				if (hw->kind != WL_BURST && hw->kind != WL_ACTIVITY)
					err_at(&ld, c, "kind",
					       "expected \"burst\" or \"activity\" on the host: servers and benchmarks "
					       "run inside a <vm> (under kind=\"native\" a <vm> is the bare machine's "
					       "OS, limited to its CPUs and memory)", NULL, NULL);
			}
			else if (is_el(c, "vm"))
				read_vm(&ld, c, &s->vm[kv++]);
		}
		check_totals(&ld, root);
		if (!BAD(&ld))
			check_capacity(&ld, root);
	} else {
		s->name = dupattr(&ld, root, "name");
		if (is_el(root, "machine"))
			read_machine(&ld, root);
		else
			read_hypervisor(&ld, root);
	}
	if (BAD(&ld))
		goto fail;
	free_sets(&ld);
	xmlFreeDoc(doc);
	return 0;
fail:
	free_sets(&ld);
	xmlFreeDoc(doc);
	scn_free(s);
	return -1;
}

static void free_workload(struct scn_workload *w)
{
	free(w->name);
	free(w->trace);
	free(w->think.values);
	free(w->demand.values);
}

void scn_free(struct scenario *s)
{
	struct scn_machine *m = &s->machine;
	free(m->name);
	free(m->node);
	free(m->hops);
	free(m->read);
	free(m->write);
	for (int i = 0; i < m->nnics; i++)
		free(m->nic[i].name);
	for (int i = 0; i < m->ndisks; i++)
		free(m->disk[i].name);
	free(m->nic);
	free(m->disk);
	free(s->hv.name);
	free(s->hv.kind);
	free(s->hv.policy.name);
	for (int i = 0; i < s->hv.policy.nparam; i++) {
		free(s->hv.policy.param[i].key);
		free(s->hv.policy.param[i].value);
	}
	free(s->hv.policy.param);
	for (int i = 0; i < s->nworkloads; i++)
		free_workload(&s->workload[i]);
	free(s->workload);
	for (int i = 0; i < s->nvms; i++) {
		free(s->vm[i].name);
		free(s->vm[i].pin);
		for (int k = 0; k < s->vm[i].nworkloads; k++)
			free_workload(&s->vm[i].workload[k]);
		free(s->vm[i].workload);
	}
	free(s->vm);
	free(s->capacity.workload);
	for (int i = 0; i < s->sweep.nvary; i++) {
		for (int j = 0; j < s->sweep.vary[i].nvalues; j++)
			free(s->sweep.vary[i].values[j]);
		free(s->sweep.vary[i].values);
		free(s->sweep.vary[i].key);
	}
	free(s->sweep.vary);
	for (int i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->file);
	free(s->name);
	memset(s, 0, sizeof *s);
}

int scn_ncpus(const struct scn_machine *m)
{
	/* saturating: an invalid machine may have nodes of 2^31-1 cores */
	long long n = 0;
	for (int i = 0; i < m->nnodes; i++)
		n += m->node[i].cores;
	return n > INT_MAX ? INT_MAX : (int)n;
}
