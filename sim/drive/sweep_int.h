/*
** Inside the sweep driver: what sweep.c and sweep_points.c share.
*/
#ifndef HVSIM_SWEEP_INT_H
#define HVSIM_SWEEP_INT_H

#include "sim/drive/sweep.h"
#include "sim/engine/diag.h"
#include "sim/scenario/scenario.h"

/* "key=value, key=value" of point p into buf. */
void sweep_label(const struct scn_sweep *sw, int p, char *buf, size_t len);
/* The command line's overrides, then point p's (*n of them); calloc'd,
** or NULL. */
struct scn_override *sweep_point_overrides(const struct sweep_args *a, const struct scn_sweep *sw, int p, int *n);
/* Where those were written: the command line's, then each <vary>'s
** line.  calloc'd, or NULL. */
struct scn_origin *sweep_point_origins(int nov, const struct scn_sweep *sw);
/* Point p's predecessor on its curve (the same values but the last
** <vary>'s, one step before), or -1 for a curve's first point. */
int sweep_previous_point(const struct scn_sweep *sw, int p);
/* The answer point q found in dir (sessions per VM, from its
** points/NNN/capacity.csv); 0 when it has none (failed, or found 0). */
double sweep_point_answer(const char *dir, int q);
/* The first point, checked before anything runs; 0 or -1 (in d). */
int sweep_check_first(const struct sweep_args *a, const struct scn_sweep *sw, struct diag *d);

#endif
