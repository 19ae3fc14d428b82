#!/bin/sh
# Grade the paper's shape statements (experiments/paper/shapes.csv: P4-P8,
# P12, P13) on the Fig. 3, Fig. 4 and P12 capacity sweeps, for several
# seeds, with hvsim explain --grade (docs/explain.md, "Grading statements").
#
#   experiments/paper/grade.sh [--quick] [-j N] [--seeds "1 2 3"] [--set K=V]... [OUTDIR]
#
# For each seed S: OUTDIR/seedS/{fig3,fig4,vcpus}/ are hvsim sweep
# directories (a complete one is not run again: hvsim sweep resumes) with
# explain/grades.csv; then OUTDIR/grades.txt is the table statement x seed
# (pass/FAIL and what hvsim found) and OUTDIR/grades.csv the rows of every
# seed.  --quick: the short probes of run.sh --quick (2 replications).
# --set K=V (repeatable) is passed to every sweep (experiments/paper/
# ablate.sh uses it to grade with one cause removed: --set ideal.remove=X).
# FIGS (environment) lists the sweeps (default "fig3 fig4 vcpus").
# Full mode takes about 7 minutes a seed on 2 cores; with -j N the seeds
# are graded up to N at a time (below).  HVSIM names the
# binary (default ./hvsim, from the project root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HVSIM=${HVSIM:-$root/hvsim}
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
seeds="1 2 3"
figs=${FIGS:-fig3 fig4 vcpus}
quick=0
out=""
nextra=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	-j) shift; jobs=$1 ;;
	--seeds) shift; seeds=$1 ;;
	--set) shift; eval "extra_$nextra=\$1"; nextra=$((nextra + 1)) ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	-*) echo "grade.sh: unknown option $1" >&2; exit 2 ;;
	*) out=$1 ;;
	esac
	shift
done
case $jobs in
''|*[!0-9]*|0) echo "grade.sh: -j expects a positive whole number, not '$jobs'" >&2; exit 2 ;;
esac
[ -n "$out" ] || { [ $quick = 1 ] && out=out/grade-quick || out=out/grade; }
if [ $quick = 1 ]; then
	set -- --set run.duration=30s --set run.warmup=10s --set capacity.replications=2 \
		--set capacity.precision=0% --set capacity.floor=10s --set capacity.step=5s
else
	set --
fi
# each --set K=V as one word, spaces in V kept ("sweep.vary[2].values=1 2")
i=0
while [ $i -lt $nextra ]; do
	eval "v=\$extra_$i"
	set -- "$@" --set "$v"
	i=$((i + 1))
done
mkdir -p "$out"
LC_ALL=C
export LC_ALL
# The seeds are graded side by side: min(N, seeds) workers, each taking
# the next seed nobody has taken (mkdir is the claim) and running its
# sweeps with -j N / workers, so that both cores stay busy to the end
# instead of idling while the last curve of one sweep finishes.  Which
# worker grades a seed changes nothing: a sweep's answers depend on
# neither -j nor the order its points finish (docs/sweep.md).
nseeds=0
for s in $seeds; do nseeds=$((nseeds + 1)); done
workers=$jobs
[ "$workers" -le "$nseeds" ] || workers=$nseeds
[ "$workers" -ge 1 ] || workers=1
sj=$((jobs / workers))   # at least 1: workers <= jobs
grade_seed() {
	s=$1
	shift
	mkdir -p "$out/seed$s"
	# grades.part appears when every sweep of the seed is graded
	rm -f "$out/seed$s/grades.part"
	: > "$out/seed$s/grades.part.tmp"
	# a sweep takes the points it shares with the seed's sweeps before it
	# from them (hvsim sweep --reuse: the same model.xml, the same
	# simulation; vcpus.xml's 1-4 VMs as they are are Fig. 3's and Fig.
	# 4's KVM points), one word per line in reuse
	reuse=""
	for f in $figs; do
		d=$out/seed$s/$f
		resume=""
		[ ! -e "$d/sweep.csv" ] || resume=--resume
		( IFS='
'
		# shellcheck disable=SC2086
		"$HVSIM" sweep "$here/$f.xml" -o "$d" -j "$sj" --seed "$s" $resume $reuse "$@" > "$d.log" 2>&1 ) ||
			{ echo "grade.sh: $f (seed $s) failed, see $d.log" >&2; return 1; }
		reuse="$reuse
--reuse
$d"
		"$HVSIM" explain "$d" --grade "$here/shapes.csv" --force --no-render > "$d.explain" 2>&1 ||
			{ echo "grade.sh: explain $d failed, see $d.explain" >&2; return 1; }
		tail -n +2 "$d/explain/grades.csv" | sed "s/^/$s,/" >> "$out/seed$s/grades.part.tmp"
	done
	mv "$out/seed$s/grades.part.tmp" "$out/seed$s/grades.part"
}
claims=$out/.claims
worker() {
	for s in $seeds; do
		mkdir "$claims/$s" 2>/dev/null || continue
		grade_seed "$s" "$@" || { rm -f "$out/seed$s/grades.part.tmp"; return 1; }
	done
}
rm -rf "$claims" "$out/grades.csv" "$out/grades.txt"
mkdir -p "$claims"
pids=""
i=0
while [ $i -lt $workers ]; do
	worker "$@" &
	pids="$pids $!"
	i=$((i + 1))
done
rc=0
for p in $pids; do
	wait "$p" || rc=1
done
rm -rf "$claims"
[ $rc = 0 ] || exit 1
for s in $seeds; do
	[ -e "$out/seed$s/grades.part" ] || { echo "grade.sh: seed $s was not graded" >&2; exit 1; }
done
{
	echo "seed,id,kind,curve,other,pass,hvsim,ci_low,ci_high,signed_error,found"
	for s in $seeds; do cat "$out/seed$s/grades.part"; done
} > "$out/grades.csv.tmp"
mv "$out/grades.csv.tmp" "$out/grades.csv"
awk -F, -v seeds="$seeds" '
NR == 1 { next }
{
	id = $2; s = $1
	if (!(id in seen)) { seen[id] = 1; order[++n] = id }
	res[id, s] = ($6 == "1" ? "pass" : $6 == "0" ? "FAIL" : "n/a")
	# the found text: the fields after signed_error, quotes dropped
	t = $11; for (i = 12; i <= NF; i++) t = t "," $i
	gsub(/"/, "", t); found[id, s] = t
	if ($10 != "") err[id, s] = sprintf("%+.1f%%", 100 * $10)
}
END {
	ns = split(seeds, S, " ")
	printf "%-16s", "statement"; for (j = 1; j <= ns; j++) printf " %-6s", "seed" S[j]; printf "\n"
	for (i = 1; i <= n; i++) {
		id = order[i]; pass = 0
		printf "%-16s", id
		for (j = 1; j <= ns; j++) { printf " %-6s", res[id, S[j]]; pass += res[id, S[j]] == "pass" }
		printf "  (%d of %d seeds)\n", pass, ns
		for (j = 1; j <= ns; j++) {
			e = ((id, S[j]) in err) ? "; signed error " err[id, S[j]] : ""
			printf "    seed %s: %s%s\n", S[j], found[id, S[j]], e
		}
	}
}' "$out/grades.csv" > "$out/grades.txt"
cat "$out/grades.txt"
