#!/bin/sh
# Project a job's wall time on R ranks from its units' measured costs
# (docs/cluster.md):
#
#   sh tests/bench/cluster-project.sh [-m US] [-r "2 16 64"] SWEEP.csv...
#
# Each sweep.csv's wall_s column (its last: each point's seconds in its
# own process) is one job; several files are one job whose points are
# handed out file after file.  The points go, in order, to the first free
# rank, the manager spending US microseconds on each (default 700, about
# what make bench measures) one after the other: list scheduling, as
# hvsim's manager does.  Prints the work, the largest point and, for each
# R, the projected wall time and speed-up over one rank.
set -u
US=700
RANKS="2 16 64"
while [ $# -gt 0 ]; do
	case $1 in
	-m) US=$2; shift 2 ;;
	-r) RANKS=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { sed -n '2,15p' "$0"; exit 2; }
awk -F, -v c="$US" -v ranks="$RANKS" 'FNR > 1 && $NF != "" { t[++n] = $NF; sum += $NF; if ($NF > mx) mx = $NF }
	function sched(r,    i, j, best, fin, mgr, start) {
		for (j = 1; j <= r; j++) free[j] = 0
		mgr = 0; fin = 0
		for (i = 1; i <= n; i++) {
			best = 1
			for (j = 2; j <= r; j++) if (free[j] < free[best]) best = j
			start = free[best] > mgr ? free[best] : mgr
			mgr = start + c / 1e6
			free[best] = mgr + t[i]
			if (free[best] > fin) fin = free[best]
		}
		return fin
	}
	END {
		if (!n) { print "no points"; exit 1 }
		printf "%d points, %.1f s of work, largest %.1f s; manager %g us a unit\n", n, sum, mx, c
		k = split(ranks, r, " ")
		for (i = 1; i <= k; i++) {
			w = sched(r[i])
			printf "  %4d ranks: %8.1f s, speed-up %6.2fx (%.0f%% of the ranks)\n", r[i], w, sum / w, 100 * sum / w / r[i]
		}
	}' "$@"
