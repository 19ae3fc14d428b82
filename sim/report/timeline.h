/*
** Timeline for teaching: every run segment (which entity ran on which
** pCPU, from when to when, and why it stopped) in the Chrome trace-event
** format, which Perfetto (ui.perfetto.dev) and chrome://tracing open.
** One process per NUMA node, a track per pCPU in it; one complete ("X") event per
** segment with its reason: block (burst done, nothing more), slice (its
** time slice ended), preempt (a wake-up or the policy took the pCPU),
** end (the run ended).  One more process, "entities", with a track per
** VCPU and emulation thread showing its states as spans (running, or
** spinning when most of the span was lock spin; ready; blocked), two
** counters (entities ready to run; emulation threads running: Dom0's
** VCPUs, QEMU I/O threads, EMTs) and a flow arrow from the waker's pCPU
** to each entity woken from one.  Off unless `hvsim run --timeline
** F.json`; at most TIMELINE_MAX_EVENTS events, and reaching that is said
** on stderr.
*/
#ifndef HVSIM_TIMELINE_H
#define HVSIM_TIMELINE_H

#include <stdio.h>

struct world;
struct cpu;
struct entity;

/* A recorded segment, for the text Gantt chart. */
struct tl_seg {
	long long a, b;
	int cpu, ent;
};

struct timeline {
	FILE *f;                /* JSON output, NULL when only the Gantt is on */
	struct tl_seg *seg;     /* Gantt: segments kept in memory */
	long long nseg, capseg;
	int gantt;
	char *path, *tmp;
	int finished;           /* timeline_finish closed tmp; it awaits the rename */
	long long nevents;
	long long max_events;   /* stop recording beyond this (file size) */
	int capped;             /* the cap was reached (and said on stderr) */
	long long *start;       /* per pCPU: start of its open segment, ns */
	long long *since;       /* per entity: when its state span began, ns */
	long long *spin0;       /* per entity: its t_spin then */
	int nready, nemu;       /* the counters' values */
	long long nflow;        /* flow ids given */
};

/* Start recording into path (written to path.tmp-PID, renamed by
** timeline_close) and/or, when gantt is set, in memory for
** timeline_gantt.  path may be NULL.  Returns 0 or -1 with errno set. */
int timeline_open(struct world *w, const char *path, int gantt);
/* Print a text Gantt chart of the run: one row per pCPU, `width`
** columns; each column shows the entity that ran longest in it. */
void timeline_gantt(const struct world *w, FILE *out, int width);
/* Finish the file (its end, flushed and closed, still at path.tmp-PID):
** where a full disk shows.  0, or -1 with errno set and the file
** removed.  Then timeline_close moves it into place (a rename). */
int timeline_finish(struct world *w);
/* Finish the file if timeline_finish has not, and move it into place;
** 0 or -1. */
int timeline_close(struct world *w);
/* Remove the unfinished (or finished, not yet moved) file. */
void timeline_abort(struct world *w);

/* Record at most n events (default TIMELINE_MAX_EVENTS, 2 million). */
void timeline_set_max(struct world *w, long long n);

/* The recording of w, or NULL (it listens to the world's tracepoints). */
const struct timeline *timeline_of(const struct world *w);

#endif
