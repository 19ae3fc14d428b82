#!/bin/sh
# MPI ranks against one (`make bench`; docs/cluster.md).
#
# 1. Speed-up at 2 ranks over 1 of two sweeps (experiments/sweeps/kvm-vms.xml
#    and hypervisors.xml, runs lengthened to 600 s so a point is worth
#    distributing) and of a short calibration (calibration/paper.xml with
#    the shipped values, the cpu stage refitted, SPECweb probes of 10 +
#    20 s): 1 rank and 2 ranks alternately, REPS times each, in this one
#    invocation, so both share whatever load the machine has; the ratio
#    of the median wall times.
# 2. The manager's own work per unit: 400 trivial points
#    (tests/data/cluster/trivial.xml) on 3 ranks with rank 0 running none
#    of them (HVSIM_CLUSTER_MANAGER_ONLY=1), rank 0's CPU seconds per
#    unit (HVSIM_CLUSTER_STATS=1): handing a unit out, taking its result,
#    writing the point's row and files.
# 3. A projection to 64 ranks of each sweep: its points' costs (sweep.csv's
#    wall_s of the 1-rank run) handed out in point order to the first
#    free rank, each hand-out costing the manager the measured overhead.
#
# A benchmark, not a test: it prints, it never fails.  Skipped without
# mpirun or with hvsim built without MPI (HVSIM_MPI=1 says it was).
#
#   HVSIM=./hvsim REPS=3 CAL_REPS=1 sh tests/bench/cluster-ratio.sh
#   (REPS for the sweeps, CAL_REPS for the calibration: about a minute a run)
set -u
HVSIM=${HVSIM:-./hvsim}
REPS=${REPS:-2}
say() { printf '%s\n' "$*"; }
if ! command -v mpirun > /dev/null 2>&1; then
	say "cluster: skipped (no mpirun)"
	exit 0
fi
if [ "${HVSIM_MPI:-0}" != 1 ]; then
	say "cluster: skipped ($HVSIM built without MPI)"
	exit 0
fi
MPIRUN="mpirun --oversubscribe"
[ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-cluster-bench.XXXXXX") || exit 0
trap 'rm -rf "$W"' EXIT INT TERM

now() { date +%s.%N; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed NP DIR CMD ARGS...: wall seconds of CMD on NP ranks into DIR
timed() {
	np=$1 dir=$2
	shift 2
	rm -rf "$dir"
	t0=$(now)
	if [ "$np" = 1 ]; then
		$MPIRUN -np 1 "$HVSIM" "$@" -j 1 -o "$dir" > /dev/null 2>&1 || { echo fail; return; }
	else
		$MPIRUN -np "$np" "$HVSIM" "$@" -o "$dir" > /dev/null 2>&1 || { echo fail; return; }
	fi
	awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'
}

# ratio NAME ARGS...: 1 rank and 2 ranks alternately, the medians' ratio
ratio() {
	name=$1
	shift
	one="" two=""
	i=0
	while [ $i -lt "$REPS" ]; do
		one="$one $(timed 1 "$W/one" "$@")"
		two="$two $(timed 2 "$W/two" "$@")"
		i=$((i + 1))
	done
	m1=$(echo "$one" | median)
	m2=$(echo "$two" | median)
	case "$one$two" in *fail*) say "  $name: a run failed"; return ;; esac
	printf '  %-44s 1 rank %7.2f s, 2 ranks %7.2f s: speed-up %.2fx  (runs:%s |%s)\n' "$name" "$m1" "$m2" \
		"$(awk -v a="$m1" -v b="$m2" 'BEGIN { print a / b }')" "$one" "$two"
}

say "== cluster: 2 MPI ranks against 1 on $(getconf _NPROCESSORS_ONLN) cores (medians of $REPS; $MPIRUN)"
ratio "sweep kvm-vms.xml (6 points, 600 s runs)" sweep experiments/sweeps/kvm-vms.xml --set run.duration=600s
cp "$W/one/sweep.csv" "$W/kvm-vms.csv" 2> /dev/null
ratio "sweep hypervisors.xml (9 points, 600 s runs)" sweep experiments/sweeps/hypervisors.xml --set run.duration=600s
cp "$W/one/sweep.csv" "$W/hypervisors.csv" 2> /dev/null
REPS=${CAL_REPS:-1} ratio "calibrate paper.xml (cpu stage, short probes)" calibrate calibration/paper.xml \
	--values calibration/paper.fit.csv --stages cpu -q \
	--set specweb:run.duration=20s --set specweb:run.warmup=10s

# the manager alone
rm -rf "$W/triv"
st=$(HVSIM_CLUSTER_STATS=1 HVSIM_CLUSTER_MANAGER_ONLY=1 $MPIRUN -x HVSIM_CLUSTER_STATS -x HVSIM_CLUSTER_MANAGER_ONLY \
	-np 3 "$HVSIM" sweep tests/data/cluster/trivial.xml -o "$W/triv" 2>&1 | grep '^cluster: pool')
us=$(echo "$st" | sed -n 's/.*(\([0-9.]*\) us a unit).*/\1/p' | head -n 1)
if [ -z "$us" ]; then
	say "  manager overhead: not measured (the trivial sweep failed)"
	exit 0
fi
say "  manager alone, 400 trivial points on 2 workers: ${st#cluster: pool 1: }"

# the projection: list scheduling of the measured point costs
for s in kvm-vms hypervisors; do
	[ -f "$W/$s.csv" ] || continue
	printf '  projected, %s: ' "$s"
	sh tests/bench/cluster-project.sh -m "$us" -r "2 64" "$W/$s.csv" | tr '\n' ' ' | sed 's/  */ /g'
	echo
done
# how many units a manager keeps busy: ranks x overhead below the unit time
awk -v c="$us" 'BEGIN { printf "  one manager keeps busy about %.0f ranks of 1 s units, %.0f of 10 s units (unit time / overhead)\n", 1e6 / c, 1e7 / c }'
