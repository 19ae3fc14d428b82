/*
** What capacity.c (the search) and cap_output.c (its outputs) share; not
** an interface for other files.
*/
#ifndef HVSIM_CAP_INTERNAL_H
#define HVSIM_CAP_INTERNAL_H

#include "sim/drive/capacity.h"

/* Users of every varied workload of s set to users; the old values saved
** into old first (in order) unless it is NULL. */
void cap__set_users(struct scenario *s, int users, int *old);

/* A run that met both shares but counted fewer than min-pages pages:
** it proves nothing either way (few users make few pages). */
int cap__too_short(const struct cap_probe *p, const struct scn_qos *q);

/* Append p to r's probes (r takes p->tail); 0 or -1 (out of memory:
** p->tail freed). */
int cap__append(struct cap_result *r, struct cap_probe *p);

#endif
