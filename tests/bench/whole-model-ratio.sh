#!/bin/sh
# Whole-model speed against a fixed reference commit (`make bench`).
#
# Builds the hvsim of REF (default c16df1e, the commit before the engine
# speed work) from `git archive` into build/ref-REF with the same make
# flags, then runs the reference and the current ./hvsim alternately,
# REPS times each, on SCENARIO (default the Fig. 3 scenario at 10 VMs),
# and prints each run's simulated seconds per wall second, the medians
# and the ratio of the medians.  Alternating runs in one invocation share
# whatever load the machine has, so the ratio is fair on a busy machine
# where absolute times are not.  Wall time is taken by date(1) around
# each run (run-to-run process start-up included, the same for both).
#
#   sh tests/bench/whole-model-ratio.sh [SCENARIO]
#   REF=<commit> REPS=7 sh tests/bench/whole-model-ratio.sh
#
# A benchmark, not a test: it prints, it never fails on a slow machine.
# Without the reference commit (a shallow clone, an exported tree) it
# says so and exits 0.
set -u
REF=${REF:-c16df1e}
REPS=${REPS:-5}
SCN=${1:-experiments/bench/fig3-kvm-10vm.xml}
MAKE=${MAKE:-make}
NEW=./hvsim

say() { printf '%s\n' "$*"; }

if ! git rev-parse --verify -q "$REF^{commit}" >/dev/null 2>&1; then
	say "whole model vs $REF: skipped (commit $REF is not in this clone's history)"
	exit 0
fi
[ -x "$NEW" ] || { say "whole model vs $REF: skipped (no ./hvsim; run make first)"; exit 0; }
refdir=build/ref-$(git rev-parse --short "$REF")
if [ ! -x "$refdir/hvsim" ]; then
	rm -rf "$refdir" && mkdir -p "$refdir" || exit 0
	if ! git archive "$REF" | tar -x -C "$refdir"; then
		say "whole model vs $REF: skipped (git archive failed)"; exit 0
	fi
	if ! (cd "$refdir" && $MAKE -s hvsim ${OPT:+OPT="$OPT"} >/dev/null 2>&1); then
		say "whole model vs $REF: skipped (the reference did not build)"; exit 0
	fi
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-ratio.XXXXXX") || exit 0
trap 'rm -rf "$out"' EXIT INT TERM

# simulated seconds of the scenario: <run duration="150s" .../>
sim=$(sed -n 's/.*<run[^>]*duration="\([0-9.]*\)s".*/\1/p' "$SCN" | head -1)
[ -n "$sim" ] || { say "whole model: cannot read the duration of $SCN"; exit 0; }

now() { date +%s.%N; }
# one run; prints simulated s per wall s
one() {
	t0=$(now)
	"$1" run "$SCN" -o "$out/run" --force >/dev/null 2>&1 || { echo fail; return; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v s="$sim" 'BEGIN { printf "%.1f", s / (b - a) }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

r_all= n_all=
i=0
while [ $i -lt "$REPS" ]; do
	r=$(one "$refdir/hvsim")
	n=$(one "$NEW")
	r_all="$r_all $r"
	n_all="$n_all $n"
	i=$((i + 1))
done
rm_=$(echo "$r_all" | median)
nm_=$(echo "$n_all" | median)
say "whole model, $SCN, $REPS alternating runs each (simulated s per wall s):"
say "  reference $REF:$r_all  median $rm_"
say "  this tree:$n_all  median $nm_"
awk -v a="$rm_" -v b="$nm_" 'BEGIN { if (a > 0) printf "  ratio of medians: %.2fx\n", b / a }'
