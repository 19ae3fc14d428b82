/*
** The model a scenario resolves to, as text (scenario.h, s->model): the
** loaded tree once profiles are spliced in and every override applied,
** less what cannot change a simulation, in a canonical layout:
**   - comments, processing instructions and whitespace between elements
**     are dropped;
**   - the root's name and its <sweep> are dropped (a sweep's points are
**     the scenario with the sweep's values applied, which the tree
**     already has), and so is an <ideal remove="none">, which removes
**     nothing (ideal.c);
**   - the documentation attributes any element may have (source=,
**     description=: the schema's "doc" group, read by no model) and
**     attributes in namespaces (xsi:...) are dropped, and the rest sorted
**     by name, so their order in the file does not matter;
**   - the tree is written indented, one element a line.
** Two scenario files that differ only in those ways give the same text.
** The reverse does not hold: the same quantity written two ways ("1s",
** "1000ms") or a default written out gives a different text, so text
** equality is a sufficient test of the same model, never a necessary one
** (what `hvsim sweep --reuse` needs: it may miss a point it could have
** reused, never reuse one it should not).  An element with a file=
** attribute (a request trace) depends on that file's contents, which the
** text does not hold: *external is then set.
*/
#include "sim/scenario/load.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

static int blank(const xmlChar *t)
{
	for (; t && *t; t++)
		if (*t != ' ' && *t != '\t' && *t != '\n' && *t != '\r')
			return 0;
	return 1;
}

/* <ideal remove="none ..."> with no cause named: no effect. */
static int ideal_none(xmlNodePtr c)
{
	if (strcmp((const char *)c->name, "ideal") != 0)
		return 0;
	xmlChar *v = xmlGetProp(c, (const xmlChar *)"remove");
	int none = 1;
	for (const char *t = (const char *)v; none && t && *t;) {
		t += strspn(t, " \t\r\n");
		size_t n = strcspn(t, " \t\r\n");
		if (n && !(n == 4 && strncmp(t, "none", 4) == 0))
			none = 0;
		t += n;
	}
	xmlFree(v);
	return none;
}

static int by_name(const void *a, const void *b)
{
	const xmlAttr *x = *(const xmlAttr *const *)a, *y = *(const xmlAttr *const *)b;
	return strcmp((const char *)x->name, (const char *)y->name);
}

/* Drop namespaced attributes, sort the others by name; 0 or -1 (memory). */
static int sort_attrs(xmlNodePtr n, int *external)
{
	for (xmlAttrPtr a = n->properties; a;) {
		xmlAttrPtr next = a->next;
		if (a->ns || strcmp((const char *)a->name, "source") == 0 ||
		    strcmp((const char *)a->name, "description") == 0)
			xmlRemoveProp(a);
		else if (strcmp((const char *)a->name, "file") == 0)
			*external = 1;
		a = next;
	}
	size_t k = 0;
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		k++;
	if (k < 2)
		return 0;
	xmlAttrPtr *v = malloc(k * sizeof *v);
	if (!v)
		return -1;
	k = 0;
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		v[k++] = a;
	qsort(v, k, sizeof *v, by_name);
	for (size_t i = 0; i < k; i++) {
		v[i]->prev = i ? v[i - 1] : NULL;
		v[i]->next = i + 1 < k ? v[i + 1] : NULL;
	}
	n->properties = v[0];
	free(v);
	return 0;
}

/* Canonicalise n's subtree in place; 0 or -1. */
static int clean(xmlNodePtr n, int *external)
{
	for (xmlNodePtr c = n->children; c;) {
		xmlNodePtr next = c->next;
		int drop = c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE ||
			   (c->type == XML_TEXT_NODE && blank(c->content));
		if (drop) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (c->type == XML_ELEMENT_NODE && (sort_attrs(c, external) || clean(c, external))) {
			return -1;
		}
		c = next;
	}
	return 0;
}

char *ld_model_text(xmlDocPtr doc, int *external)
{
	*external = 0;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root)
		return NULL;
	/* the document's own comments and instructions, outside the root */
	for (xmlNodePtr c = doc->children; c;) {
		xmlNodePtr next = c->next;
		if (c != root && (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		c = next;
	}
	xmlUnsetProp(root, (const xmlChar *)"name");
	for (xmlNodePtr c = root->children; c;) {
		xmlNodePtr next = c->next;
		if (c->type == XML_ELEMENT_NODE && (strcmp((const char *)c->name, "sweep") == 0 || ideal_none(c))) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		c = next;
	}
	if (sort_attrs(root, external) || clean(root, external))
		return NULL;
	xmlChar *mem = NULL;
	int len = 0;
	xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
	if (!mem)
		return NULL;
	char *text = malloc((size_t)len + 1);
	if (text) {
		memcpy(text, mem, (size_t)len);
		text[len] = 0;
	}
	xmlFree(mem);
	return text;
}
