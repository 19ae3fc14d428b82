/*
** CPU lists as Linux writes them ("0-3,6": the list format of cpuset(7),
** /sys/devices/system/cpu/online, taskset -c): ids and ranges a-b with
** a <= b, separated by single commas; digits only (no sign, no blanks,
** which strtol alone would take); no empty list, no trailing comma.
** One reader for every list hvsim takes: a VM's <vm pin> and a thread
** model's cpus column (traces/thread_model.c).
*/
#ifndef HVSIM_CPULIST_H
#define HVSIM_CPULIST_H

/* The next range of the list at *p, every id below limit: 1 with it in
** *a..*b and *p moved past it (and its comma), 0 at the end of the list,
** -1 when *p is no such list from here. */
int cpulist_next(const char **p, long limit, long *a, long *b);

/* Whether s is a whole, non-empty such list with every id below limit. */
int cpulist_ok(const char *s, long limit);

#endif
