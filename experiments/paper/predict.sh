#!/bin/sh
# Every row of P1-P13 predicted for one seed (hvsim calibrate --values
# with the calibrated profiles, calibration/paper.fit.csv): the curve
# points are the sweeps' (the same search on the same scenario: a point
# is one number wherever it is shown), the rest simulated here.
#
#   experiments/paper/predict.sh KNOWN DIR SEED FIG3 FIG4 JOBS [--set K=V]...
#
# KNOWN gets the points of the sweeps FIG3 and FIG4 (directories of
# hvsim sweep) as calibrate's known option takes them; DIR gets
# calibrate's outputs (report.txt, points.csv, quantities.csv) and DIR.log
# its report.  SEED 1 is the scenarios' own seed; another one is set on
# every benchmark's runs (--set run.seed), as sweep --seed does.  Each
# --set K=V (the quick mode's shorter probes) goes to the SPECweb
# benchmark's runs.  Run by experiments/paper/grade.sh --predict.  HVSIM
# names the binary (default ./hvsim, from the project root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HVSIM=${HVSIM:-$root/hvsim}
[ $# -ge 6 ] || { echo "usage: predict.sh KNOWN DIR SEED FIG3 FIG4 JOBS [--set K=V]..." >&2; exit 2; }
pk=$1 pd=$2 ps=$3 f3=$4 f4=$5 jobs=$6
shift 6
sp=""
for a in "$@"; do
	case $a in --set) sp="$sp --set" ;; *) sp="$sp specweb:$a" ;; esac
done
awk -F, 'FNR==1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "specweb,%s,%s,%s,1.5GiB,sessions_per_vm,%s,%s,%s\n", $c["hypervisor"], $c["vms"],
	  $c["vcpus_per_vm"], $c["sessions_per_vm"], $c["ci_low"], $c["ci_high"] }' \
	"$f3/sweep.csv" "$f4/sweep.csv" |
	{ echo benchmark,hypervisor,vms,vcpus_per_vm,memory,metric,value,ci_low,ci_high; cat; } > "$pk"
pseed=""
[ "$ps" = 1 ] || pseed="--set run.seed=$ps"
# shellcheck disable=SC2086
"$HVSIM" calibrate "$root/calibration/paper.xml" --values "$root/calibration/paper.fit.csv" \
	--known "$pk" -o "$pd" -j "$jobs" -q $pseed \
	--set specweb:run.duration=150s --set specweb:run.warmup=30s --set specweb:capacity.replications=3 \
	--set specweb:capacity.resolution=2% --set specweb:capacity.precision=3% \
	--set specweb:capacity.max-replications=41 --set specweb:capacity.dither=true $sp > "$pd.log"
