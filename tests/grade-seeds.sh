#!/bin/sh
# experiments/paper/grade.sh grades its seeds side by side (-j N: up to N
# workers, each taking the next seed nobody has taken).  Which worker
# grades a seed, and in what order the seeds finish, must change nothing:
#
#   tests/grade-seeds.sh
#
# grades seeds 1, 2 and 3 of a cut-down P12 sweep (experiments/paper/
# vcpus.xml at 1 VM, quick probes) with -j 1 (one worker, the seeds in
# turn) and with -j 2 (two workers, three seeds), and checks that
# grades.csv, grades.txt, plateaus.csv, plateaus.txt and every seed's
# sweep.csv (wall_s aside) are the same, that grades.csv lists the seeds in the order asked, and that
# no claim directory is left; that plateaus.txt names the replication
# seeds the overlapping seeds 1-3 share, reports seeds 1 and 101
# independent and seed 1 alone as nothing to compare.  Then a sweep that fails (an unknown --set
# key) must make grade.sh exit non-zero without a grades.csv.
#
#   HVSIM=./hvsim
set -u
HVSIM=${HVSIM:-./hvsim}
[ -x "$HVSIM" ] || { echo "grade-seeds.sh: no $HVSIM (make)" >&2; exit 2; }
case $HVSIM in /*) ;; *) HVSIM=$(pwd)/$HVSIM ;; esac
export HVSIM
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-grade.XXXXXX")
trap 'rm -rf "$W"' EXIT
fail=0
bad() {
	echo "grade-seeds.sh: $*" >&2
	fail=1
}
g() {
	FIGS=vcpus sh experiments/paper/grade.sh --quick --seeds "1 2 3" --set 'sweep.vary[2].values=1' "$@"
}
g -j 1 "$W/one" > "$W/one.log" 2>&1 || bad "-j 1 failed: $(tail -3 "$W/one.log")"
g -j 2 "$W/two" > "$W/two.log" 2>&1 || bad "-j 2 failed: $(tail -3 "$W/two.log")"
for f in grades.csv grades.txt plateaus.csv plateaus.txt; do
	cmp -s "$W/one/$f" "$W/two/$f" || bad "$f differs between -j 1 and -j 2"
done
for s in 1 2 3; do
	for r in one two; do
		# every column but wall_s
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i != "wall_s") keep[i] = 1 }
			 { o = ""; for (i = 1; i <= NF; i++) if (i in keep) o = o $i ","; print o }' \
			"$W/$r/seed$s/vcpus/sweep.csv" > "$W/$r.$s.csv" 2>/dev/null ||
			bad "no sweep.csv for seed $s ($r)"
	done
	[ -s "$W/one.$s.csv" ] && cmp -s "$W/one.$s.csv" "$W/two.$s.csv" ||
		bad "seed $s: sweep.csv differs between -j 1 and -j 2"
done
order=$(awk -F, 'NR > 1 && $1 != last { printf "%s ", $1; last = $1 }' "$W/two/grades.csv")
[ "$order" = "1 2 3 " ] || bad "grades.csv lists the seeds as '$order', not '1 2 3 '"
[ "$(awk 'END { print NR }' "$W/two/grades.csv")" -gt 3 ] || bad "grades.csv has too few rows"
# plateaus.csv: a row per seed and curve (the sweep's 4 curves), seeds in order
[ "$(awk -F, 'NR > 1 { n[$1]++ } END { print n[1] + 0, n[2] + 0, n[3] + 0, NR }' "$W/two/plateaus.csv")" = "4 4 4 13" ] ||
	bad "plateaus.csv has not 4 rows for each of seeds 1-3"
grep -q '^4 of 4 curves have the same plateau in every seed' "$W/two/plateaus.txt" ||
	bad "plateaus.txt does not say the seeds agree: $(tail -2 "$W/two/plateaus.txt")"
# quick mode runs 2 replications a point: seed s runs replication seeds
# s and s + 1, so seeds 1-3 overlap pairwise and plateaus.txt must say so
grep -qx 'replication seeds run: seed 1: 1-2; seed 2: 2-3; seed 3: 3-4' "$W/two/plateaus.txt" ||
	bad "plateaus.txt does not list the replication seeds 1-2, 2-3, 3-4: $(tail -4 "$W/two/plateaus.txt")"
grep -qx 'not independent: seeds 1 and 2 share 2-2; seeds 2 and 3 share 3-3' "$W/two/plateaus.txt" ||
	bad "plateaus.txt does not name the seeds that share replications: $(tail -4 "$W/two/plateaus.txt")"
# seeds 100 apart share none; then seed 1 alone: nothing to compare, no
# verdicts (both regrade $W/one, whose complete seed-1 sweep is kept)
g -j 2 --seeds "1 101" "$W/one" > "$W/far.log" 2>&1 || bad "seeds 1 101 failed: $(tail -3 "$W/far.log")"
grep -qx 'no two seeds share a replication: each agrees or disagrees independently' "$W/one/plateaus.txt" ||
	bad "seeds 1 and 101 are not reported independent: $(tail -3 "$W/one/plateaus.txt")"
g -j 2 --seeds "1" "$W/one" > "$W/one1.log" 2>&1 || bad "seed 1 alone failed: $(tail -3 "$W/one1.log")"
grep -q '^one seed, so no seeds to compare' "$W/one/plateaus.txt" && ! grep -q 'yes$\|independently' "$W/one/plateaus.txt" ||
	bad "one seed is graded as if seeds agreed: $(tail -4 "$W/one/plateaus.txt")"
# two VM counts a curve: each curve's plateau is tested, so plateaus.txt
# gives the resampled chance that three repetitions agree, per curve
# (seed-averaged) and for every curve at once (their product: at most
# the smallest)
g -j 2 --seeds "1 101" --set 'sweep.vary[2].values=1 2' "$W/res" > "$W/res.log" 2>&1 || bad "two counts failed: $(tail -3 "$W/res.log")"
awk '/^vcpus / { n++; if ($NF !~ /^[0-9]+%$/ || $NF + 0 > 100) bad = 1; if (min == "" || $NF + 0 < min) min = $NF + 0 }
     /^resampled, the chance three repetitions agree on every tested curve \(4\): about [0-9]+% with the$/ {
	all = $0; sub(/.*about /, "", all); sub(/%.*/, "", all) }
     END { exit !(n == 4 && !bad && all != "" && all + 0 <= min) }' "$W/res/plateaus.txt" ||
	bad "plateaus.txt lacks the resampled chances: $(cat "$W/res/plateaus.txt")"
[ ! -e "$W/two/.claims" ] || bad "the claim directory was left behind"
if g -j 2 --set no.such.key=1 "$W/bad" > "$W/bad.log" 2>&1; then
	bad "a failing sweep did not fail grade.sh"
fi
for f in "$W"/bad/grades.* "$W"/bad/plateaus.*; do
	[ ! -e "$f" ] || bad "a failed grading left $f"
done
[ $fail = 0 ] && echo "grade-seeds.sh: seeds 1-3 graded alike with -j 1 and -j 2, their shared replications named; a failed sweep fails the grading"
exit $fail
