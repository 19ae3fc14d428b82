/*
** Scenario loading: profile splicing, --set overrides, schema validation, whole-scenario checks.
** Shared state and helpers: load.h.
*/
#include "sim/scenario/load.h"
#include "sim/scenario/dist.h"
#include "sim/engine/infile.h"
#include "sim/engine/limits.h"
#include "sim/engine/stats.h"
#include "sim/engine/units.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <dirent.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* ------------------------------------------------ profiles, --set --- */

/* rel relative to the directory of file base (malloc'd), or NULL when
** memory ran out. */
char *ld_resolve_rel(const char *base, const char *rel)
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

/* A profile named with a slash or ending in .xml is a path relative to
** the scenario.  A name (no slash, no .xml) is looked for, in order: the
** scenario's folder; each folder of $HVSIM_PATH (colon-separated); the
** installed data folder (HVSIM_DATADIR, set by the Makefile to
** $(PREFIX)/share/hvsim); the source tree it was built from (HVSIM_SRCDIR),
** when it is still there.  In the scenario's folder the name N is tried
** as F/N, then F/N.xml; in a data folder F as F/N.xml, then
** F/models/profiles/KIND/N.xml (KIND machines or hypervisors), and a
** hypervisor also as F/calibration/profiles/N.xml (the calibrated
** profiles, named NAME-CALIBRATION: xen-3.3.0-paper).  The first regular
** file found wins; without one, *tried lists every place (malloc'd, for
** the message). */
#ifndef HVSIM_DATADIR
#define HVSIM_DATADIR "/usr/local/share/hvsim"
#endif
#ifndef HVSIM_SRCDIR
#define HVSIM_SRCDIR ""
#endif
static const char srcdir[] = HVSIM_SRCDIR;

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* A regular XML file of at most INFILE_XML_MAX bytes (infile_xml: never a
** FIFO, which would block) whose root is <elem>: 1, with its source=
** (malloc'd, or NULL) in *source when asked; else 0; -1 when memory ran
** out reading it (no answer: not "no profile"). */
static int profile_root(const char *path, const char *elem, char **source)
{
	char why[200];
	size_t n;
	int line;
	if (source)
		*source = NULL;
	errno = 0;
	char *text = infile_xml(path, &n, &line, why, sizeof why);
	if (!text && errno == ENOMEM)
		return -1;
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)n, path, NULL,
					     INFILE_XML_OPTIONS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
			     : NULL;
	free(text);
	xmlNodePtr r = doc ? xmlDocGetRootElement(doc) : NULL;
	int ok = r && strcmp((const char *)r->name, elem) == 0;
	if (ok && source) {
		xmlChar *src = xmlGetProp(r, (const xmlChar *)"source");
		*source = src ? strdup((const char *)src) : NULL;
		xmlFree(src);
	}
	xmlFreeDoc(doc);
	return ok;
}

/* The root element of a profile of kind ("machines", "hypervisors"). */
static const char *kind_root(const char *kind)
{
	return strcmp(kind, "machines") == 0 ? "machine" : "hypervisor";
}

/* One folder: its candidates for name; the found path or NULL (*oom set
** when memory ran out: then no candidate was found or ruled out). */
static char *try_dir(const char *dir, size_t dl, const char *name, const char *kind, int data, char **tried,
		     size_t *tl, int *oom)
{
	const char *const forms[] = { "%.*s/%s", "%.*s/%s.xml", "%.*s/models/profiles/%s/%s.xml",
				      "%.*s/calibration/profiles/%s.xml" };
	/* the scenario's folder: N as it is, then N.xml; a data folder: N.xml,
	** its profiles' folder and (hypervisors) its calibrated profiles */
	int last = data ? (strcmp(kind, "hypervisors") == 0 ? 4 : 3) : 2;
	for (int k = data ? 1 : 0; k < last; k++) {
		char buf[4096];
		if (k < 2)
			snprintf(buf, sizeof buf, forms[k], (int)dl, dl ? dir : ".", name);
		else if (k == 2)
			snprintf(buf, sizeof buf, forms[k], (int)dl, dir, kind, name);
		else
			snprintf(buf, sizeof buf, forms[k], (int)dl, dir, name);
		/* a data folder's F/N.xml counts when it is a profile of the kind
		** (F may hold scenarios and other files; hvsim profiles lists
		** what this finds) */
		int root = 0;   /* 1 the profile, 0 not here, -1 no memory to tell */
		if (is_file(buf))
			root = data && k == 1 ? profile_root(buf, kind_root(kind), NULL) : 1;
		char *found = root == 1 ? strdup(buf) : NULL;
		if (found)
			return found;
		size_t bl = strlen(buf);
		char *nt = root == 0 ? realloc(*tried, *tl + bl + 3) : NULL;
		if (!nt) {
			/* a profile found but no room for its path, or for the
			** list of places: not "no such profile" */
			*oom = 1;
			return NULL;
		}
		*tried = nt;
		snprintf(nt + *tl, bl + 3, "%s%s", *tl ? ", " : "", buf);
		*tl += bl + (*tl ? 2 : 0);
	}
	return NULL;
}

char *ld_find_profile(const char *base, const char *name, const char *kind, char **tried)
{
	*tried = NULL;
	size_t nl = strlen(name);
	if (strchr(name, '/') || (nl > 4 && !strcmp(name + nl - 4, ".xml")))
		return ld_resolve_rel(base, name);   /* a path, relative to the scenario */
	size_t tl = 0;
	int oom = 0;
	/* the scenario's folder: the part of base before its last slash
	** ("" for a scenario at the root: "/N"), "." for a bare file name */
	const char *slash = strrchr(base, '/');
	char *found = slash ? try_dir(base, (size_t)(slash - base), name, kind, 0, tried, &tl, &oom)
			    : try_dir(".", 1, name, kind, 0, tried, &tl, &oom);
	const char *hp = getenv("HVSIM_PATH");
	for (const char *d = hp; !found && !oom && d && *d;) {
		size_t n = strcspn(d, ":");
		if (n)
			found = try_dir(d, n, name, kind, 1, tried, &tl, &oom);
		d += n + (d[n] == ':');
	}
	if (!found && !oom)
		found = try_dir(HVSIM_DATADIR, strlen(HVSIM_DATADIR), name, kind, 1, tried, &tl, &oom);
	if (!found && !oom && srcdir[0])
		found = try_dir(srcdir, strlen(srcdir), name, kind, 1, tried, &tl, &oom);
	if (found || oom) {
		free(*tried);
		*tried = NULL;
	}
	return found;
}

/* The profiles of kind in data folder dir, in the search's order
** (ld_find_profile): sub 0, dir itself (only the files whose root is the
** kind's element); 1, dir/models/profiles/kind/; 2,
** dir/calibration/profiles/ (hypervisors).  Listed to f unless a name is
** in seen already (names shown first win, as in the search). */
static void list_sub(FILE *f, const char *dir, size_t dl, const char *kind, int sub, char ***seen, int *nseen)
{
	char path[4096];
	if (sub == 0)
		snprintf(path, sizeof path, "%.*s", (int)dl, dir);
	else if (sub == 2)
		snprintf(path, sizeof path, "%.*s/calibration/profiles", (int)dl, dir);
	else
		snprintf(path, sizeof path, "%.*s/models/profiles/%s", (int)dl, dir, kind);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	char **names = NULL;
	int n = 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".xml"))
			continue;
		char **nn = realloc(names, (size_t)(n + 1) * sizeof *nn);
		if (!nn)
			break;
		names = nn;
		names[n++] = strndup(e->d_name, l - 4);
	}
	closedir(d);
	for (int i = 0; i < n; i++)   /* in name order */
		for (int j = i + 1; j < n; j++)
			if (names[i] && names[j] && strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j];
				names[j] = t;
			}
	for (int i = 0; i < n; i++) {
		int dup = !names[i];
		for (int k = 0; k < *nseen && !dup; k++)
			dup = !strcmp((*seen)[k], names[i]);
		char file[4200], *src = NULL;
		if (!dup)
			snprintf(file, sizeof file, "%s/%s.xml", path, names[i]);
		/* as the search: regular files only (a FIFO is never opened), in
		** dir itself only those whose root is the kind's element */
		if (dup || !is_file(file) || (!profile_root(file, kind_root(kind), &src) && sub == 0)) {
			free(names[i]);
			continue;
		}
		fprintf(f, "  %-18s %s\n", names[i], file);
		if (src)
			fprintf(f, "  %-18s source: %s\n", "", src);
		free(src);
		char **ns = realloc(*seen, (size_t)(*nseen + 1) * sizeof *ns);
		if (ns) {
			*seen = ns;
			(*seen)[(*nseen)++] = names[i];
		} else {
			free(names[i]);
		}
	}
	free(names);
}

static void list_dir(FILE *f, const char *dir, size_t dl, const char *kind, char ***seen, int *nseen)
{
	list_sub(f, dir, dl, kind, 0, seen, nseen);
	list_sub(f, dir, dl, kind, 1, seen, nseen);
	if (strcmp(kind, "hypervisors") == 0)
		list_sub(f, dir, dl, kind, 2, seen, nseen);
}

void scn_list_profiles(FILE *f)
{
	static const char *const kinds[] = { "machines", "hypervisors" };
	for (int k = 0; k < 2; k++) {
		char **seen = NULL;
		int nseen = 0;
		fprintf(f, "%s profiles (<%s profile=\"NAME\"/>):\n", k ? "hypervisor" : "machine", k ? "hypervisor" : "machine");
		const char *hp = getenv("HVSIM_PATH");
		for (const char *d = hp; d && *d;) {
			size_t n = strcspn(d, ":");
			if (n)
				list_dir(f, d, n, kinds[k], &seen, &nseen);
			d += n + (d[n] == ':');
		}
		list_dir(f, HVSIM_DATADIR, strlen(HVSIM_DATADIR), kinds[k], &seen, &nseen);
		if (srcdir[0])
			list_dir(f, srcdir, strlen(srcdir), kinds[k], &seen, &nseen);
		if (!nseen)
			fprintf(f, "  (none found)\n");
		for (int i = 0; i < nseen; i++)
			free(seen[i]);
		free(seen);
	}
}

/* Replace <machine profile="p"/> (or <hypervisor ...>) by a copy of the
** profile's root; nodes keep their line numbers and ld_file_of() maps them
** back to the profile's file. */
void ld_splice_profiles(struct ld *ld, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	for (xmlNodePtr c = ld_next_el(root->children); c;) {
		xmlNodePtr next = ld_next_el(c->next);
		const char *prof = ld_attr(c, "profile");
		if (!prof || !(ld_is_el(c, "machine") || ld_is_el(c, "hypervisor"))) {
			c = next;
			continue;
		}
		if (c->properties->next || c->properties != xmlHasProp(c, (const xmlChar *)"profile") ||
		    ld_next_el(c->children)) {
			ld_err_at(ld, c, NULL,
			       "expected only profile=\"...\" on a profile reference (change profile values with --set)",
			       NULL, NULL);
			c = next;
			continue;
		}
		if (!*prof) {
			/* the search would take a hidden DIR/.xml for it */
			ld_err_at(ld, c, "profile", "expected a profile name or path, got an empty one", NULL, NULL);
			c = next;
			continue;
		}
		char *tried = NULL;
		char *path = ld_find_profile(ld->file, prof, ld_is_el(c, "machine") ? "machines" : "hypervisors", &tried);
		if (!path && !tried) {
			ld_mem(ld, NULL);   /* out of memory */
			return;
		}
		if (!path) {
			struct scn_loc l = ld_loc_attr(ld, c, "profile");
			diag_error(ld->d, l.file, l.line, "<%s profile>: expected a %s profile named '%s'; looked for %s",
				   (const char *)c->name, (const char *)c->name, prof, tried ? tried : "nothing");
			free(tried);
			c = next;
			continue;
		}
		const char *shown = ld_intern(ld, path);
		free(path);
		if (ld->oom)
			return;
		xmlDocPtr pd = ld_parse_file(ld, shown, shown);
		if (!pd && ld->oom)
			return;
		if (!pd) {
			struct scn_loc l = ld_loc_attr(ld, c, "profile");
			diag_error(ld->d, l.file, l.line,
				   "<%s profile>: expected a readable %s profile, '%s' is not (see above)",
				   (const char *)c->name, (const char *)c->name, prof);
			c = next;
			continue;
		}
		xmlNodePtr pr = xmlDocGetRootElement(pd);
		if (!ld_is_el(pr, (const char *)c->name)) {
			diag_error(ld->d, shown, (int)xmlGetLineNo(pr), "expected a <%s> profile, got <%s>",
				   (const char *)c->name, (const char *)pr->name);
		} else if (ld->nsp < (int)(sizeof ld->sp / sizeof ld->sp[0])) {
			xmlNodePtr copy = ld_mem(ld, xmlDocCopyNode(pr, doc, 1));
			const char *ref_file = ld_file_of(ld, c);
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

/* The element a --set step names among n's children, or NULL (reported
** at the override's origin: a file's line, or the command line). */
xmlNodePtr ld_step(struct ld *ld, const struct scn_override *o, const struct scn_origin *from, xmlNodePtr n,
		   const char *st)
{
	const char *file = from && from->file ? from->file : "--set";
	int line = from && from->file ? from->line : 0;
	char name[128], sel[128] = "";
	const char *br = strchr(st, '[');
	size_t nl = br ? (size_t)(br - st) : strlen(st);
	if (nl == 0 || nl >= sizeof name) {
		diag_error(ld->d, file, line, "%s: expected an element name, got '%s'", o->key, st);
		return NULL;
	}
	memcpy(name, st, nl);
	name[nl] = 0;
	if (br) {
		const char *end = strchr(br, ']');
		size_t sl = end ? (size_t)(end - br - 1) : 0;
		if (!end || end[1] || sl == 0 || sl >= sizeof sel) {
			diag_error(ld->d, file, line, "%s: expected name[INDEX] or name[ID], got '%s'", o->key, st);
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
	for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next)) {
		if (!ld_is_el(c, name))
			continue;
		const char *id = ld_attr(c, "name") ? ld_attr(c, "name") : ld_attr(c, "id");
		if (!found && (!sel[0] || (numeric ? count == idx : id && strcmp(id, sel) == 0)))
			found = c;
		count++;
	}
	if (!br && count > 1) {
		diag_error(ld->d, file, line, "%s: there are %d <%s> elements; expected %s[0]..%s[%d] or %s[ID]",
			   o->key, count, name, name, name, count - 1, name);
		return NULL;
	}
	/* <ideal> is optional and holds nothing but its one attribute, so
	** --set ideal.remove=X may add it where the schema puts it: before
	** <machine> (scenario.xsd).  Sweeps and ablations vary it this way. */
	if (!found && !br && strcmp(name, "ideal") == 0 && n->parent && n->parent->type == XML_DOCUMENT_NODE) {
		xmlNodePtr m = ld_next_el(n->children);
		while (m && !ld_is_el(m, "machine"))
			m = ld_next_el(m->next);
		xmlNodePtr e = ld_mem(ld, xmlNewDocNode(n->doc, n->ns, (const xmlChar *)"ideal", NULL));
		if (!e)
			return NULL;
		if (m)
			xmlAddPrevSibling(m, e);
		else
			xmlAddChild(n, e);
		return e;
	}
	if (!found) {
		char valid[400] = "";
		size_t vl = 0;
		for (xmlNodePtr c = ld_next_el(n->children); c; c = ld_next_el(c->next)) {
			if (strstr(valid, (const char *)c->name))
				continue;
			vl += (size_t)snprintf(valid + vl, sizeof valid - vl, "%s%s", vl ? ", " : "",
					       (const char *)c->name);
			if (vl >= sizeof valid)
				break;
		}
		diag_error(ld->d, file, line, "%s: <%s> has no child %s; expected one of: %s", o->key,
			   (const char *)n->name, st, vl ? valid : "(none)");
	}
	return found;
}

/* Apply one override to doc: walk the element steps, set the attribute. */
void ld_apply_override(struct ld *ld, xmlDocPtr doc, const struct scn_override *o,
			   const struct scn_origin *from)
{
	char *key = ld_mem(ld, strdup(o->key)), *save = NULL;
	char *parts[32];
	int np = 0;
	if (!key)
		return;
	for (char *t = strtok_r(key, ".", &save); t && np < 32; t = strtok_r(NULL, ".", &save))
		parts[np++] = t;
	if (np < 1 || strchr(o->key, '=') || strstr(o->key, "..") || o->key[0] == '.') {
		diag_error(ld->d, from && from->file ? from->file : "--set", from && from->file ? from->line : 0,
			   "%s: expected KEY=VALUE with KEY like run.duration or machine.node[1].memory", o->key);
		free(key);
		return;
	}
	xmlNodePtr n = xmlDocGetRootElement(doc);
	/* a leading root name is optional: scenario.run.duration == run.duration */
	int i = (np > 1 && strcmp(parts[0], (const char *)n->name) == 0) ? 1 : 0;
	for (; n && i < np - 1; i++)
		n = ld_step(ld, o, from, n, parts[i]);
	if (n && !ld_mem(ld, xmlSetProp(n, (const xmlChar *)parts[np - 1], (const xmlChar *)o->value)))
		n = NULL;
	if (n) {
		struct setat *ns = ld_mem(ld, realloc(ld->set, (size_t)(ld->nset + 1) * sizeof *ns));
		char *an = ld_mem(ld, strdup(parts[np - 1]));
		if (ns)
			ld->set = ns;
		if (ns && an) {
			struct setat *t = &ld->set[ld->nset++];
			t->n = n;
			t->attr = an;
			if (from && from->file) {
				t->where.file = ld_intern(ld, from->file);
				t->where.line = from->line;
			} else {
				size_t len = strlen(o->key) + strlen(o->value) + 8;
				char *w = ld_mem(ld, malloc(len));
				if (w)
					snprintf(w, len, "--set %s=%s", o->key, o->value);
				t->where.file = ld_intern(ld, w ? w : "--set");
				t->where.line = 0;
				free(w);
			}
		} else {
			free(an);
		}
	}
	free(key);
}

int ld_ends_with_profile(const char *key)
{
	size_t l = strlen(key);
	return l >= 8 && strcmp(key + l - 8, ".profile") == 0;
}

void ld_validate(struct ld *ld, xmlDocPtr doc)
{
	struct errctx ec = { ld, ld->file,
			     xmlReadMemory((const char *)scn_xsd, (int)scn_xsd_len, "scenario.xsd", NULL, XML_PARSE_NONET),
			     0 };
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)scn_xsd, (int)scn_xsd_len);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
	xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
	if (!vc) {
		diag_error(ld->d, ld->file, 0, "internal error: the built-in schema does not compile");
	} else {
		xmlSchemaSetValidStructuredErrors(vc, ld_on_xml_error, &ec);
		/* values given by --set too are read as the schema read them */
		if (xmlSchemaValidateDoc(vc, doc) == 0)
			ld_trim_attrs(xmlDocGetRootElement(doc));
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
void ld_check_totals(struct ld *ld, xmlNodePtr root)
{
	struct scenario *s = ld->s;
	if (BAD(ld))
		return;
	int jobs = s->nworkloads;
	for (int i = 0; i < s->nvms; i++)
		jobs += s->vm[i].nworkloads;
	if (jobs == 0)
		ld_err_at(ld, root, NULL, "expected at least one <workload>, on the host or inside a <vm>", NULL, NULL);
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
		ld_err_at(ld, root, NULL, "expected ", NULL, why);
	}
	/* VMs after count expansion: how many, and names of their own
	** (name1..nameN of a count must not meet another VM's name) */
	double vms = 0;
	for (int i = 0; i < s->nvms; i++)
		vms += s->vm[i].count;
	if (vms > SCN_MAX_VMS) {
		char why[160];
		snprintf(why, sizeof why, "at most " SCN_STR(SCN_MAX_VMS) " VMs in all (after count=), got %.0f", vms);
		ld_err_at(ld, root, NULL, "expected ", NULL, why);
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
		ld_err_at(ld, root, NULL, "expected ", NULL, why);
	}
}

void ld_free_sets(struct ld *ld)
{
	for (int i = 0; i < ld->nset; i++)
		free(ld->set[i].attr);
	free(ld->set);
	ld->set = NULL;
	ld->nset = 0;
}

