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
#include "sim/scenario/scenario.h"
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
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

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
	s->file = ld_mem(&ld, strdup(path));
	ld.file = ld_intern(&ld, path);
	if (ld.oom)
		goto fail;
	doc = ld_parse_file(&ld, path, ld.file);
	if (!doc)
		goto fail;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int is_scn = ld_is_el(root, "scenario");
	if (!is_scn && !(profile_ok && (ld_is_el(root, "machine") || ld_is_el(root, "hypervisor")))) {
		diag_error(d, ld.file, (int)xmlGetLineNo(root), "expected a <scenario>%s root element, got <%s>",
			   profile_ok ? ", <machine> or <hypervisor>" : "", (const char *)root->name);
		goto fail;
	}
	for (int i = 0; i < nov; i++)
		if (ld_ends_with_profile(ov[i].key))
			ld_apply_override(&ld, doc, &ov[i], from ? &from[i] : NULL);
	if (is_scn)
		ld_splice_profiles(&ld, doc);
	for (int i = 0; i < nov; i++)
		if (!ld_ends_with_profile(ov[i].key))
			ld_apply_override(&ld, doc, &ov[i], from ? &from[i] : NULL);
	if (BAD(&ld))
		goto fail;
	ld_validate(&ld, doc);
	if (BAD(&ld))
		goto fail;

	if (is_scn) {
		s->name = ld_dupattr(&ld, root, "name");
		int nw = 0, nv = 0;
		for (xmlNodePtr c = ld_next_el(root->children); c; c = ld_next_el(c->next)) {
			nw += ld_is_el(c, "workload");
			nv += ld_is_el(c, "vm");
		}
		s->workload = ld_mem(&ld, calloc((size_t)nw + 1, sizeof *s->workload));
		s->vm = ld_mem(&ld, calloc((size_t)nv + 1, sizeof *s->vm));
		if (ld.oom)
			goto fail;
		s->nworkloads = nw;
		s->nvms = nv;
		int k = 0, kv = 0;
		ld_qos_defaults(&s->qos);
		ld_read_qos(&ld, ld_child(root, "qos"));
		ld_read_capacity(&ld, ld_child(root, "capacity"));
		ld_read_sweep(&ld, ld_child(root, "sweep"));
		ld_read_ideal(&ld, ld_child(root, "ideal"));
		for (xmlNodePtr c = ld_next_el(root->children); c && !ld.oom; c = ld_next_el(c->next)) {
			if (ld_is_el(c, "run"))
				ld_read_run(&ld, c);
			else if (ld_is_el(c, "machine"))
				ld_read_machine(&ld, c);
			else if (ld_is_el(c, "hypervisor"))
				ld_read_hypervisor(&ld, c);
			else if (ld_is_el(c, "workload"))
			{
				struct scn_workload *hw = &s->workload[k++];
				ld_read_workload(&ld, c, hw);
				if (hw->kind != WL_BURST && hw->kind != WL_ACTIVITY && hw->kind != WL_THREADS)
					ld_err_at(&ld, c, "kind",
					       "expected \"burst\", \"activity\" or \"threads\" on the host: servers and benchmarks "
					       "run inside a <vm> (under kind=\"native\" a <vm> is the bare machine's "
					       "OS, limited to its CPUs and memory)", NULL, NULL);
			}
			else if (ld_is_el(c, "vm"))
				ld_read_vm(&ld, c, &s->vm[kv++]);
		}
		ld_apply_ideal(&ld, root);
		ld_check_totals(&ld, root);
		if (!BAD(&ld))
			ld_check_capacity(&ld, root);
	} else {
		s->name = ld_dupattr(&ld, root, "name");
		if (ld_is_el(root, "machine"))
			ld_read_machine(&ld, root);
		else
			ld_read_hypervisor(&ld, root);
	}
	if (is_scn && !BAD(&ld) && !(s->model = ld_model_text(doc, &s->model_external)))
		ld_mem(&ld, NULL);   /* out of memory */
	if (BAD(&ld))
		goto fail;
	ld_free_sets(&ld);
	xmlFreeDoc(doc);
	return 0;
fail:
	ld_free_sets(&ld);
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
	free(s->model);
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

