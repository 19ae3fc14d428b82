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
# Full mode takes about 7 minutes a seed on 2 cores.  HVSIM names the
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
extra=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	-j) shift; jobs=$1 ;;
	--seeds) shift; seeds=$1 ;;
	--set) shift; extra="$extra --set $1" ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	-*) echo "grade.sh: unknown option $1" >&2; exit 2 ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { [ $quick = 1 ] && out=out/grade-quick || out=out/grade; }
if [ $quick = 1 ]; then
	set -- --set run.duration=30s --set run.warmup=10s --set capacity.replications=2 \
		--set capacity.precision=0% --set capacity.floor=10s --set capacity.step=5s
else
	set --
fi
# shellcheck disable=SC2086
set -- "$@" $extra
mkdir -p "$out"
LC_ALL=C
export LC_ALL
echo "seed,id,kind,curve,other,pass,hvsim,ci_low,ci_high,signed_error,found" > "$out/grades.csv"
for s in $seeds; do
	for f in $figs; do
		d=$out/seed$s/$f
		mkdir -p "$out/seed$s"
		if [ -e "$d/sweep.csv" ]; then
			"$HVSIM" sweep "$here/$f.xml" -o "$d" -j "$jobs" --seed "$s" --resume "$@" > "$d.log" 2>&1
		else
			"$HVSIM" sweep "$here/$f.xml" -o "$d" -j "$jobs" --seed "$s" "$@" > "$d.log" 2>&1
		fi || { echo "grade.sh: $f (seed $s) failed, see $d.log" >&2; exit 1; }
		"$HVSIM" explain "$d" --grade "$here/shapes.csv" --force --no-render > "$d.explain" 2>&1 ||
			{ echo "grade.sh: explain $d failed, see $d.explain" >&2; exit 1; }
		tail -n +2 "$d/explain/grades.csv" | sed "s/^/$s,/" >> "$out/grades.csv"
	done
done
# the table: a row per statement, a column per seed
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
