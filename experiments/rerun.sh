#!/bin/sh
# Rerun every number the README, docs/, experiments/whatif/README.md and
# the tutorial quote from the calibrated profiles, in dependency order, so
# that a change that moves results can be followed by all of its reruns.
#
#   experiments/rerun.sh [--list] [-j N] [-o OUTROOT] [STAGE...]
#
#   --list      print each stage: its command, what it feeds and the time
#               it took when last measured, and exit
#   -j N        points run at once (default 2)
#   -o OUTROOT  where every stage writes (default out/rerun)
#   STAGE       some of the stages below, in this order (default: all)
#
# Stages (each writes OUTROOT/STAGE/, and its wall seconds are appended to
# OUTROOT/times.txt):
#   demo      make demo's run of experiments/default.xml: README's table
#   paper     experiments/paper/run.sh in full mode, the plateau
#             counterfactuals of every curve and the shape statements for
#             seeds 1, 101 and 201: docs/reproduction.md, docs/explain.md
#   ablate    experiments/paper/ablate.sh from paper's seed-1 sweeps:
#             docs/reproduction.md ("Ablation")
#   whatif    experiments/whatif/run.sh: experiments/whatif/README.md
#             (a)-(h), docs/reproduction.md ("What-if scenarios")
#   causes    the sweeps of experiments/whatif/plateau-causes.xml and
#             plateau-causes-fig4.xml: experiments/whatif/README.md (g)
#   splits    experiments/whatif/splits.sh: experiments/whatif/README.md (i)
# The tutorial's lessons run inline hypervisors and the uncalibrated
# profiles (docs/tutorial.md); they do not depend on the calibration and
# are rerun with `sh experiments/tutorial/plot.sh`.  So are the micro
# grid of docs/workloads.md (`sh experiments/micro/run-all.sh`) and the
# hypervisor sweep of docs/sweep.md (`hvsim sweep
# experiments/sweeps/hypervisors.xml`): rerun them when a shipped
# profile in models/profiles/ changes.  A new calibration
# comes first, by hand (docs/calibration.md: `hvsim calibrate`, then the
# fitted values copied into the profiles and experiments/paper/).
#
# Every stage resumes what is complete in its directory (sweeps, search
# caches), so an interrupted rerun goes on where it stopped.  Run from the
# project root after `make hvsim`; HVSIM names another binary.
set -eu
list=0
jobs=2
root=out/rerun
while [ $# -gt 0 ]; do
	case $1 in
	--list) list=1; shift ;;
	-j) [ $# -ge 2 ] || { echo "rerun.sh: -j needs a number" >&2; exit 2; }; jobs=$2; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	-o) [ $# -ge 2 ] || { echo "rerun.sh: -o needs a directory" >&2; exit 2; }; root=$2; shift 2 ;;
	-h|--help) sed -n '2,/^[^#]/{s/^# \{0,1\}//p;}' "$0"; exit 0 ;;
	-*) echo "rerun.sh: unknown option '$1'; expected --list, -j N, -o OUTROOT or stages" >&2; exit 2 ;;
	*) break ;;
	esac
done
case $jobs in
''|*[!0-9]*|0) echo "rerun.sh: -j: expected a whole number from 1, got '$jobs'" >&2; exit 2 ;;
esac
all="demo paper ablate whatif causes splits"
stages=${*:-$all}
for s in $stages; do
	case " $all " in
	*" $s "*) ;;
	*) echo "rerun.sh: unknown stage '$s'; expected some of: $all" >&2; exit 2 ;;
	esac
done
hvsim=${HVSIM:-./hvsim}
dir=$(dirname "$0")

# stage: its command (with $root and $jobs), what it feeds, its last time
cmd_of() {
	case $1 in
	demo) echo "$hvsim run experiments/default.xml -o $root/demo --force" ;;
	paper) echo "HVSIM=$hvsim sh $dir/paper/run.sh --full -j $jobs --counterfactual plateau --seeds '1 101 201' $root/paper" ;;
	ablate) echo "HVSIM=$hvsim sh $dir/paper/ablate.sh -j $jobs $root/ablate" ;;
	whatif) echo "HVSIM=$hvsim JOBS=$jobs sh $dir/whatif/run.sh $root/whatif" ;;
	causes) echo "$hvsim sweep $dir/whatif/plateau-causes.xml -j $jobs -o $root/causes/plateau-causes && $hvsim sweep $dir/whatif/plateau-causes-fig4.xml -j $jobs -o $root/causes/plateau-causes-fig4" ;;
	splits) echo "HVSIM=$hvsim JOBS=$jobs sh $dir/whatif/splits.sh $root/splits" ;;
	esac
}
feeds_of() {
	case $1 in
	demo) echo "README.md (the demo table)" ;;
	paper) echo "docs/reproduction.md, docs/explain.md, docs/capacity.md" ;;
	ablate) echo "docs/reproduction.md (Ablation)" ;;
	whatif) echo "experiments/whatif/README.md (a)-(h), docs/reproduction.md, docs/tutorial.md (lesson 4), docs/costs.md" ;;
	causes) echo "experiments/whatif/README.md (g)" ;;
	splits) echo "experiments/whatif/README.md (i)" ;;
	esac
}
took_of() {
	case $1 in
	demo) echo "2 s" ;;
	paper) echo "about 53 min (every seed's sweeps and predictions 1,079 s with seeds 1, 101 and 201; the counterfactuals of seed 1's curves 1,676 s and 423 s, measured with the dithered 2% searches; nothing else heavy running)" ;;
	ablate) echo "about 77 min with the dithered 2% searches (4,593 s, beside other work for much of it)" ;;
	whatif) echo "about 66 min with the dithered 2% searches (3,989 s, beside other work for about 10 min)" ;;
	causes) echo "122 s with the dithered 2% searches" ;;
	splits) echo "about 2 h 10 min with the dithered 2% searches (in parts: 3400, 1368, 1001, 617 and 1454 s; co-scheduling's beside two test runs)" ;;
	esac
}

if [ $list = 1 ]; then
	for s in $stages; do
		printf '%s\n  run:   %s\n  feeds: %s\n  took:  %s (2 cores)\n' "$s" "$(cmd_of $s)" "$(feeds_of $s)" \
			"$(took_of $s)"
	done
	exit 0
fi

[ -x "$hvsim" ] || { echo "rerun.sh: no binary '$hvsim'; run make hvsim first" >&2; exit 2; }
mkdir -p "$root"
for s in $stages; do
	c=$(cmd_of $s)
	echo "== $s: $c"
	t0=$(date +%s)
	if [ $s = ablate ] && [ -d "$root/paper/grade/seed1" ] && [ ! -d "$root/ablate/base/seed1" ]; then
		# ablate.sh's base is a grade.sh directory of seed 1: the paper
		# stage's, copied rather than run again (its sweeps are complete)
		mkdir -p "$root/ablate/base"
		cp -R "$root/paper/grade/seed1" "$root/ablate/base/seed1"
	fi
	sh -c "$c" >"$root/$s.log" 2>&1 || { echo "rerun.sh: stage $s failed; see $root/$s.log" >&2; exit 1; }
	printf '%s\t%s\n' "$s" $(( $(date +%s) - t0 )) >>"$root/times.txt"
done
echo "rerun.sh: done; wall seconds in $root/times.txt"
