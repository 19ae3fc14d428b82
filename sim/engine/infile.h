/*
** Input files: what every reader of a scenario, profile, calibration
** file, --values file or trace checks before it reads one.  The path
** must name a regular file (stat before opening: a FIFO would block, a
** device never ends, a directory reads as an error); an XML file must
** also be at most INFILE_XML_MAX bytes and declare no entities, and is
** parsed from memory with INFILE_XML_OPTIONS: no network, no DTD
** loading, no entity substitution, and not libxml2's "huge" mode, so its
** default limits on text and nesting hold (docs/limits.md).
**
** Messages are the reason alone ("cannot open: No such file or
** directory", "expected a regular file, got a FIFO"); callers put the
** file name (and line) in front, as everywhere else.
*/
#ifndef HVSIM_INFILE_H
#define HVSIM_INFILE_H

#include <stddef.h>
#include <stdio.h>

#define INFILE_XML_MAX (16u << 20)

/* XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES, spelled out
** in infile.c (so this header needs no libxml2). */
extern const int INFILE_XML_OPTIONS;

/* 0 if path is a regular file (symbolic links followed), else -1 with
** the reason in why. */
int infile_check(const char *path, char *why, size_t len);
/* The same for a file already stat'ed or fstat'ed. */
struct stat;
int infile_regular(const struct stat *st, char *why, size_t len);

/* fopen(path, "r") of a regular file (checked before opening and again
** on the open file), or NULL with the reason in why. */
FILE *infile_open(const char *path, char *why, size_t len);

/* The whole of XML file path, NUL-terminated (malloc'd, *n its length),
** after infile_check, the size cap and the refusal of entity
** declarations; or NULL with the reason in why and, when it has one, its
** line in *line (else 0), and errno ENOMEM when memory ran out. */
char *infile_xml(const char *path, size_t *n, int *line, char *why, size_t len);

/* The XML files infile_xml has opened in this process (scenarios,
** profiles, calibration files: hvsim reads its own outputs otherwise),
** resolved with realpath(3), each once, *n of them: so that an output
** directory --force replaces can refuse to remove one of them with it
** (out_begin). */
const char *const *infile_inputs(size_t *n);

/* A libxml2 message in hvsim's words, into out (n bytes, trailing blanks
** and newlines dropped): -1 to drop it (a follow-up of an error already
** reported), 0 libxml2's own words, 1 a replacement, 2 a parser limit
** reached (depth, a name, an attribute value or a comment too long:
** the parser's further messages are its aftermath). */
int infile_xml_words(const char *msg, char *out, size_t n);

#endif
