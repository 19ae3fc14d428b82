/*
** libxml2's schema-validation messages in hvsim's words.
**
** libxml2 reports an invalid scenario as, for example,
**   Element 'vm', attribute 'count': '0' is not a valid value of the
**   atomic type 'xs:positiveInteger'.
** and hvsim's own checks as "<vm count>: expected ..., got '0'".  These
** functions turn the first into the second for the message forms the
** schema (sim/scenario/scenario.xsd) can produce (the forms are those of
** libxml2's xmlschemas.c, read from its source: xmlSchemaFormatNodeForError
** writes the "Element 'E', attribute 'A': " prefix, and the texts after
** it are the ones of xmlSchemaSimpleTypeErr, xmlSchemaFacetErr,
** xmlSchemaIllegalAttrErr, xmlSchemaComplexTypeErr and
** xmlSchemaXPathProcessHistory that the schema can reach).  A message of
** any other form is kept as libxml2 wrote it.
*/
#ifndef HVSIM_XSDMSG_H
#define HVSIM_XSDMSG_H

#include <stddef.h>

/* What the caller knows that the message does not say. */
struct xsdmsg_ctx {
	const char *attrs; /* the element's valid attributes, "a, b, c" (or NULL) */
	const char *field; /* the attribute a duplicate-key message is about (or NULL) */
};

/* Rewrite msg (one libxml2 message, without its file and line) into out:
** 1 if rewritten, 0 if out holds nothing to print (a follow-up of an error
** already reported: the list-type message after its item's), -1 if the
** form is not one of those above (out untouched; keep msg). */
int xsdmsg_restyle(const char *msg, const struct xsdmsg_ctx *cx, char *out, size_t len);

/* The name of the identity constraint a duplicate-key message names
** ("... in unique identity-constraint 'vmName'.") into out, or 0 if
** msg is not one. */
int xsdmsg_constraint(const char *msg, char *out, size_t len);

#endif
