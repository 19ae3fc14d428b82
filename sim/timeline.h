/*
** Timeline for teaching: every run segment (which entity ran on which
** pCPU, from when to when, and why it stopped) in the Chrome trace-event
** format, which Perfetto (ui.perfetto.dev) and chrome://tracing open.
** One track per pCPU, grouped by NUMA node; one complete ("X") event per
** segment with its reason: block (burst done, nothing more), slice (its
** time slice ended), preempt (a wake-up or the policy took the pCPU),
** end (the run ended).  Off unless `hvsim run --timeline F.json`.
*/
#ifndef HVSIM_TIMELINE_H
#define HVSIM_TIMELINE_H

#include <stdio.h>

struct world;
struct cpu;
struct entity;

struct timeline {
	FILE *f;
	char *path, *tmp;
	long long nevents;
	long long max_events;   /* stop recording beyond this (file size) */
	long long *start;       /* per pCPU: start of its open segment, ns */
};

/* Start recording into path (written to path.tmp-PID, renamed by
** timeline_close).  Returns 0 or -1 with errno set. */
int timeline_open(struct world *w, const char *path);
/* Finish the file and move it into place; 0 or -1. */
int timeline_close(struct world *w);
/* Remove the unfinished file. */
void timeline_abort(struct world *w);

void timeline_start(struct world *w, const struct cpu *c, const struct entity *e);
void timeline_stop(struct world *w, const struct cpu *c, const struct entity *e, const char *why);

#endif
