/*
** What the parts of the scenario loader share (the files of sim/scenario/): the
** loader's state, where a node came from, typed attribute getters with
** file:line: errors, and the element readers.  Internal to sim/scenario/.
*/
#ifndef HVSIM_SCENARIO_LOAD_H
#define HVSIM_SCENARIO_LOAD_H

#include "sim/scenario/scenario.h"
#include "sim/engine/diag.h"

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

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

/* What on_xml_error reports into. */
struct errctx {
	struct ld *ld;
	const char *file;   /* for parse errors: the file being parsed */
	xmlDocPtr xsd;      /* the schema as a document, to list valid attributes */
	int limit;          /* a parser limit was reported: what follows is its aftermath */
};

typedef int (*unit_fn)(const char *s, void *out, const char **why);

void ld_apply_override(struct ld *ld, xmlDocPtr doc, const struct scn_override *o, const struct scn_origin *from);
const char *ld_attr(xmlNodePtr n, const char *name);
/* An xs:boolean attribute value (validated): 1 for "true" or "1", else 0 (absent too). */
int ld_bool(const char *v);
void ld_check_capacity(struct ld *ld, xmlNodePtr root);
void ld_check_totals(struct ld *ld, xmlNodePtr root);
xmlNodePtr ld_child(xmlNodePtr n, const char *name);
char *ld_dupattr(struct ld *ld, xmlNodePtr n, const char *an);
int ld_ends_with_profile(const char *key);
void ld_err_at(struct ld *ld, xmlNodePtr n, const char *an, const char *fmt, const char *v, const char *why);
const char *ld_file_of(const struct ld *ld, xmlNodePtr n);
void ld_free_sets(struct ld *ld);
int ld_get(struct ld *ld, xmlNodePtr n, const char *an, int required, int (*p)(const char *, void *, const char **), void *out);
int ld_get_list(struct ld *ld, xmlNodePtr n, const char *an, size_t sz, int (*p)(const char *, void *, const char **), void **out);
int ld_get_work(struct ld *ld, xmlNodePtr n, const char *an, double *out);
const char *ld_intern(struct ld *ld, const char *name);
/* p, or when it is NULL: out of memory reported once, the load failing. */
void *ld_mem(struct ld *ld, void *p);
int ld_is_el(xmlNodePtr n, const char *name);
struct scn_loc ld_loc_attr(const struct ld *ld, xmlNodePtr n, const char *an);
struct scn_loc ld_loc_of(const struct ld *ld, xmlNodePtr n);
xmlNodePtr ld_next_el(xmlNodePtr n);
void ld_on_xml_error(void *arg, xmlErrorPtr e);
int ld_p_nonneg(const char *s, void *o, const char **w);
int ld_p_time(const char *s, void *o, const char **w);
int ld_p_u64(const char *s, void *o, const char **w);
int ld_p_work(const char *s, void *o, const char **w);
xmlDocPtr ld_parse_file(struct ld *ld, const char *path, const char *shown);
void ld_qos_defaults(struct scn_qos *o);
void ld_range_err(struct ld *ld, xmlNodePtr n, const char *an, const char *want);
void ld_read_capacity(struct ld *ld, xmlNodePtr c);
void ld_read_hypervisor(struct ld *ld, xmlNodePtr h);
void ld_read_machine(struct ld *ld, xmlNodePtr m);
void ld_read_qos(struct ld *ld, xmlNodePtr q);
void ld_read_run(struct ld *ld, xmlNodePtr r);
void ld_read_sweep(struct ld *ld, xmlNodePtr n);
void ld_read_ideal(struct ld *ld, xmlNodePtr n);
void ld_apply_ideal(struct ld *ld, xmlNodePtr root);
void ld_read_vm(struct ld *ld, xmlNodePtr n, struct scn_vm *v);
void ld_read_workload(struct ld *ld, xmlNodePtr n, struct scn_workload *w);
char *ld_resolve_rel(const char *base, const char *rel);
void ld_splice_profiles(struct ld *ld, xmlDocPtr doc);
/* The model doc resolves to as canonical text (model.c; scenario.h,
** s->model), doc changed in place; *external: it names a file whose
** contents the text does not hold.  malloc'd, or NULL (out of memory). */
char *ld_model_text(xmlDocPtr doc, int *external);
xmlNodePtr ld_step(struct ld *ld, const struct scn_override *o, const struct scn_origin *from, xmlNodePtr n,
		   const char *st);
void ld_validate(struct ld *ld, xmlDocPtr doc);
void ld_trim_attrs(xmlNodePtr n);

int ld_p_bytes(const char *s, void *o, const char **w);
int ld_p_freq(const char *s, void *o, const char **w);
int ld_p_bitrate(const char *s, void *o, const char **w);
int ld_p_rate(const char *s, void *o, const char **w);
int ld_p_number(const char *s, void *o, const char **w);
int ld_p_int(const char *s, void *o, const char **w);
int ld_units_fraction_p(const char *s, void *o, const char **w);
/* The range of a byte rate, for messages. */
extern const char byterate_why[];

/* Append name to the comma-separated list in buf (no duplicates). */
void ld_add_name(char *buf, size_t len, const char *name);

/* The file of the profile a scenario at base names: a path (with a slash
** or ending in .xml) relative to base, else a name looked up in the
** profile search path
** (kind: "machines" or "hypervisors").  malloc'd, or NULL with *tried
** listing the places looked at (malloc'd); NULL with *tried NULL when
** memory ran out. */
char *ld_find_profile(const char *base, const char *name, const char *kind, char **tried);

#endif
