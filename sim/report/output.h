/*
** Run outputs: summary.json and the CSV tables, written into a staging
** directory beside the destination and moved into place by one rename
** only when every file is complete, so an interrupted or failed run never
** leaves a half-written output directory, and outputs never mix with an
** existing directory's files: a destination that exists is refused, or
** with --force replaced as a whole.
*/
#ifndef HVSIM_OUTPUT_H
#define HVSIM_OUTPUT_H

#include <limits.h>
#include <stdio.h>
#include "models/world.h"

/* What out_begin accepts at the destination. */
enum out_mode {
	OUT_NEW,       /* a new directory: an existing one is refused */
	OUT_FORCE,     /* --force: an existing hvsim output directory (or an
			** empty one) is replaced, atomically, at out_commit */
	OUT_REPLACE,   /* a directory the caller owns (a sweep's points/NNN):
			** replaced whatever it holds */
};

/* The longest destination path out_begin takes: PATH_MAX with room for
** ".tmp-PID" on its last name.  -o is held to it where it is read. */
#define OUT_DEST_MAX (PATH_MAX - 33)

struct outdir {
	char *dest;        /* requested directory (no trailing '/') */
	char *stage;       /* staging directory, "<dest>.tmp-<pid>" */
	enum out_mode mode;
};

/* Check dest for mode (a name such as "." or ".." is always refused),
** remove staging directories that dead processes left beside it
** (out_clean_stale), create dest's parents and the staging directory.
** Returns 0, or -1 with a message in err; on -1 nothing is staged, o's
** fields are NULL and out_abort(o) does nothing. */
int out_begin(struct outdir *o, const char *dest, enum out_mode mode, char *err, size_t errlen);
/* 0, or -1 with a message in err when the file input (NULL: none) lies
** inside directory dest, both resolved: an input --force would remove
** with dest (checked before out_begin with OUT_FORCE). */
int out_keeps(const char *dest, const char *input, char *err, size_t errlen);
/* Whether file (which need not exist) would be in directory dir or
** below it, both resolved. */
int out_in_dir(const char *dir, const char *file);
/* Open a file in the staging directory for writing. */
FILE *out_open(struct outdir *o, const char *name);
/* Put the staged directory in place by one rename: dest is created, or
** (OUT_FORCE, OUT_REPLACE) swapped with it, the old one removed only
** once the new one is in place.  0, or -1 with a message in err ("...;
** not written"): dest is then as it was, and the caller aborts. */
int out_commit(struct outdir *o, char *err, size_t errlen);
/* Remove the staging directory and everything in it (nothing when
** out_begin failed or o is all zero). */
void out_abort(struct outdir *o);

/* Remove "<path>.tmp-<pid>" and "<path>.old-<pid>" beside path (staging
** files or directories of an hvsim process, and directories it was
** replacing) whose process is no longer running. */
void out_clean_stale(const char *path);
/* The same for every entry of dir ("<name>.tmp-<pid>", "<name>.old-<pid>"). */
void out_clean_stale_in(const char *dir);
/* rm -rf path (symbolic links are removed, not followed); 0 or -1. */
int out_rmrf(const char *path);

/* The largest file out_read reads: far above any file hvsim writes (a
** sweep.csv of 10000 points is a few MiB), far below what a wrong path
** (a log, an image) would make it allocate. */
#define OUT_READ_MAX (256u << 20)

/* The whole of regular file path, NUL-terminated (malloc'd; *len its
** length when len is not NULL), or NULL with the reason in why, worded
** as infile.h's ("cannot open: No such file or directory", "expected a
** regular file, got a FIFO", "expected a file of at most 256 MiB, got
** 300.0 MiB"), and errno set: the open error, EINVAL for something other
** than a regular file (a FIFO, a device and a directory are refused
** before they are opened), EFBIG for more than OUT_READ_MAX bytes,
** ENOMEM, or that of the read. */
char *out_read(const char *path, size_t *len, char *why, size_t whylen);
/* out_read without the words: for files hvsim wrote itself, whose
** failure is reported by errno alone. */
char *out_slurp(const char *path, size_t *len);
/* The line (from 1) of buf's first NUL byte among its first len bytes,
** or 0: a text file hvsim wrote holds none (one read as a C string
** would end there, every line after it silently lost). */
int out_nul_line(const char *buf, size_t len);

/* The regular files of dir (no subdirectories) written to f as bytes:
** for each, its name, NUL, its size in decimal, NUL, its contents (how a
** worker rank sends a sweep point's outputs, sim/engine/cluster.h).
** 0 or -1. */
int out_pack(FILE *f, const char *dir);
/* Write the files out_pack packed into len bytes at buf into o's staging
** directory; 0, or -1 (errno; EINVAL for a malformed pack). */
int out_unpack(struct outdir *o, const char *buf, size_t len);

/* s as the characters of a JSON string, without its quotes: '"', '\\'
** and control characters escaped. */
void out_json_chars(FILE *f, const char *s);

/* The files of one run. */
int out_write_run(struct outdir *o, const struct world *w);
/* The staged summary.json (out_write_run's) retitled as written by the
** scenario name from file (a point reused from another sweep); no
** summary.json: nothing to do.  0 or -1 (errno). */
int out_retitle_summary(struct outdir *o, const char *name, const char *file);

/* placement.csv: each VCPU's and emulation thread's run time on each
** pCPU in the measured interval.  Needs the run segments, so w must have
** recorded an in-memory timeline (timeline_open(w, NULL, 1) before
** world_run); -1 otherwise or when the file cannot be written. */
int out_write_placement(struct outdir *o, const struct world *w);

/* tail.csv's rows (where the SPECweb pages' time went, models/wl_specweb.h)
** as file name; nothing without SPECweb.  0 or -1. */
int out_write_tail(struct outdir *o, const struct world *w, const char *name);
/* What out_write_tail writes, as text: malloc'd, or NULL (no SPECweb
** workload, or out of memory). */
char *out_tail_text(const struct world *w);

#endif
