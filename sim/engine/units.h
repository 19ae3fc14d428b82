/*
** Quantities with units, as written in scenario XML (SimGrid style:
** speed="25Mf").  Every parser takes the whole string, returns 0 on
** success or -1 with a short "expected ..." text in *why (static storage).
**
**   time       "30ms" "1.5s" "100us" "250ns" "2min" "1h"   -> int64 ns
**   bytes      "1.5GiB" "16GB" "512KiB" "64B" "1KB"       -> double bytes
**              (KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024)
**   frequency  "2GHz" "800MHz" "1.2e9Hz"                  -> double Hz
**   bitrate    "1Gbit/s" "100Mbit/s" "125MB/s" "1GiB/s"   -> double bytes/s
**   rate       "0.8/s" "120/min" "5/ms" "3/h"             -> double per s
**   cycles     "3300cycles" "2.5Gcycles" "1kcycles"       -> double cycles
**   number     "0.5" "1e-3" "42"                          -> double
**   fraction   "0.25" "25%"                               -> double in [0,1]
**
** Numbers are plain decimals (strtod without locale surprises: a '.'
** decimal point only, no hex, no inf/nan); surrounding whitespace is
** allowed; a negative quantity is rejected except by units_number.
*/
#ifndef HVSIM_UNITS_H
#define HVSIM_UNITS_H

#include <stdint.h>

int units_time(const char *s, int64_t *ns, const char **why);
/* What units_time sets *why to when the time does not fit in int64 ns. */
extern const char units_time_big[];
int units_bytes(const char *s, double *bytes, const char **why);
int units_frequency(const char *s, double *hz, const char **why);
int units_bitrate(const char *s, double *bytes_per_s, const char **why);
int units_rate(const char *s, double *per_s, const char **why);
int units_cycles(const char *s, double *cycles, const char **why);
int units_number(const char *s, double *x, const char **why);
int units_fraction(const char *s, double *x, const char **why);
/* A non-negative integer that fits in int (no unit). */
int units_int(const char *s, int *x, const char **why);
/* Digits (after a '+' at most; no blanks, no sign, which strtoull alone
** would skip or negate) of a value below 2^64: seeds.  *why is then
** units_u64_why. */
int units_u64(const char *s, uint64_t *x, const char **why);
extern const char units_u64_why[];

/* Format a time as the shortest exact unit: 30000000 -> "30ms". buf >= 32. */
char *units_fmt_time(int64_t ns, char *buf, unsigned len);

#define NS_PER_US INT64_C(1000)
#define NS_PER_MS INT64_C(1000000)
#define NS_PER_S  INT64_C(1000000000)

#endif
