#!/bin/sh
# Grade the paper's shape statements (experiments/paper/shapes.csv: P4-P8,
# P12, P13) on the Fig. 3, Fig. 4 and P12 capacity sweeps, for several
# seeds, with hvsim explain --grade (docs/explain.md, "Grading statements").
#
#   experiments/paper/grade.sh [--quick] [-j N] [--seeds "1 101 201"] [--predict] [--set K=V]... [OUTDIR]
#
# For each seed S: OUTDIR/seedS/{fig3,fig4,vcpus}/ are hvsim sweep
# directories (a complete one is not run again: hvsim sweep resumes) with
# explain/grades.csv; then OUTDIR/grades.txt is the table statement x seed
# (pass/FAIL and what hvsim found) and OUTDIR/grades.csv the rows of every
# seed; OUTDIR/plateaus.txt every curve's plateau by seed (and whether
# the seeds agree, and which replication seeds each seed ran: the
# seeds agree independently only when no two share one), OUTDIR/plateaus.csv
# its rows.  --predict: also every row of P1-P13 for each seed
# (experiments/paper/predict.sh into seedS/predict/, the curve points from
# seedS/fig3 and fig4, seedS/known.csv).  --quick: the short probes of
# run.sh --quick (2 replications, each bisection to 4% of the answer
# instead of the scenarios' 2%).
# --seeds: a capacity search with seed s runs its replications with the
# seeds s, s + 1, ..., s + R - 1 (R up to max-replications, 41 in the
# paper's scenarios; docs/capacity.md), so seeds less than R apart share
# replications and their answers are not independent.  The default seeds
# 1, 101 and 201 share none; plateaus.txt says which replication seeds
# each seed ran and whether two seeds share any.
# --set K=V (repeatable) is passed to every sweep (experiments/paper/
# ablate.sh uses it to grade with one cause removed: --set ideal.remove=X).
# FIGS (environment) lists the sweeps (default "fig3 fig4 vcpus").
# Full mode takes about 6 minutes a seed on 2 cores when the seeds share
# no replication (18 minutes for 1 101 201 with --predict; the sweeps of
# several seeds run side by side, below).  HVSIM names the binary (default
# ./hvsim, from the project root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HVSIM=${HVSIM:-$root/hvsim}
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
seeds="1 101 201"
figs=${FIGS:-fig3 fig4 vcpus}
quick=0
predict=0
out=""
nextra=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	-j) shift; jobs=$1 ;;
	--seeds) shift; seeds=$1 ;;
	--predict) predict=1 ;;
	--set) shift; eval "extra_$nextra=\$1"; nextra=$((nextra + 1)) ;;
	-h|--help) sed -n '2,/^[^#]/{/^#/p;}' "$0"; exit 0 ;;
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
	set -- --set run.duration=30s --set run.warmup=10s --set capacity.replications=2 --set capacity.resolution=4% \
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
# The work is units: a sweep of a seed (FIG:S) and, with --predict, a
# seed's predictions (predict:S), in this order: every seed's Fig. 3
# sweep, every Fig. 4 sweep, the predictions, then the other sweeps (a
# rough longest-first order).  min(N + 1, seeds) workers (N with -j 1)
# each take the first unit nobody has taken whose inputs are done (mkdir
# is the claim), run it (a sweep with -j max(1, N / workers)) and go on,
# so that N cores stay busy
# to the end: a curve's points run one after another (each brackets
# around the answer before it), and one seed's sweeps alone leave cores
# idle.  A seed's predictions wait for its Fig. 3 and Fig. 4 sweeps; a
# sweep other than fig3 and fig4 waits for the seed's sweeps before it in
# FIGS and takes the points it shares with them from them (hvsim sweep
# --reuse: the same model.xml, the same simulation; vcpus.xml's 1-4 VMs
# as they are are Fig. 3's and Fig. 4's KVM points).  Which worker runs a
# unit, and when, changes nothing: a sweep's answers depend on neither -j
# nor the order its points finish (docs/sweep.md).  Every sweep shares
# the store of replications $out/.cache (hvsim sweep --cache): seed s
# runs the seeds s, s + 1, s + 2, ..., so seeds less than a point's
# replications apart (1, 2 and 3) have replications in common, each run
# once (the same results: docs/capacity.md).  It is removed when grading
# ends well, kept for a rerun after a failure.
if [ $predict = 1 ]; then
	case " $figs " in *" fig3 "*) has3=1 ;; *) has3=0 ;; esac
	case " $figs " in *" fig4 "*) has4=1 ;; *) has4=0 ;; esac
	if [ $has3$has4 != 11 ]; then
		echo "grade.sh: --predict needs fig3 and fig4 in FIGS (the curve points it takes), not '$figs'" >&2
		exit 2
	fi
fi
nseeds=0
for s in $seeds; do nseeds=$((nseeds + 1)); done
# one worker more than cores (with N > 1): a sweep waiting for a
# replication another sweep is running (--cache) leaves its core to it
workers=$jobs
[ "$jobs" -le 1 ] || workers=$((jobs + 1))
[ "$workers" -le "$nseeds" ] || workers=$nseeds
[ "$workers" -ge 1 ] || workers=1
sj=$((jobs / workers))
[ "$sj" -ge 1 ] || sj=1
units=""
for f in $figs; do
	case $f in fig3|fig4) for s in $seeds; do units="$units $f:$s"; done ;; esac
done
if [ $predict = 1 ]; then
	for s in $seeds; do units="$units predict:$s"; done
fi
for f in $figs; do
	case $f in fig3|fig4) ;; *) for s in $seeds; do units="$units $f:$s"; done ;; esac
done
claims=$out/.claims
cache=$out/.cache
# the units unit $1 waits for
needs() {
	u=${1%%:*} s=${1#*:}
	case $u in
	fig3|fig4) ;;
	predict) echo "fig3:$s fig4:$s" ;;
	*)
		for f in $figs; do
			[ "$f" = "$u" ] && break
			echo "$f:$s"
		done ;;
	esac
}
ready() {
	for n in $(needs "$1"); do
		[ -e "$claims/$n.done" ] || return 1
	done
}
# run unit $1 (a sweep and its grading, or predictions); 0 or 1
run_unit() {
	u=${1%%:*} s=${1#*:}
	shift
	mkdir -p "$out/seed$s"
	if [ "$u" = predict ]; then
		g=$out/seed$s
		HVSIM="$HVSIM" sh "$here/predict.sh" "$g/known.csv" "$g/predict" "$s" "$g/fig3" "$g/fig4" "$sj" "$@" ||
			{ echo "grade.sh: the predictions for seed $s failed, see $g/predict.log" >&2; return 1; }
		return 0
	fi
	d=$out/seed$s/$u
	resume=""
	[ ! -e "$d/sweep.csv" ] || resume=--resume
	reuse=""   # a word a line
	for n in $(needs "$u:$s"); do
		reuse="$reuse
--reuse
$out/seed$s/${n%%:*}"
	done
	( IFS='
'
	# shellcheck disable=SC2086
	"$HVSIM" sweep "$here/$u.xml" -o "$d" -j "$sj" --seed "$s" --cache "$cache" $resume $reuse "$@" > "$d.log" 2>&1 ) ||
		{ echo "grade.sh: $u (seed $s) failed, see $d.log" >&2; return 1; }
	"$HVSIM" explain "$d" --grade "$here/shapes.csv" --force --no-render > "$d.explain" 2>&1 ||
		{ echo "grade.sh: explain $d failed, see $d.explain" >&2; return 1; }
}
worker() {
	while :; do
		[ ! -e "$claims/FAILED" ] || return 1
		left=0 took=""
		for u in $units; do
			[ ! -e "$claims/$u.claim" ] || continue
			left=1
			ready "$u" || continue
			mkdir "$claims/$u.claim" 2>/dev/null || continue
			took=$u
			break
		done
		[ $left = 1 ] || return 0
		if [ -z "$took" ]; then
			sleep 1   # every unit left waits for one that runs
			continue
		fi
		run_unit "$took" "$@" || { : > "$claims/FAILED"; return 1; }
		: > "$claims/$took.done"
	done
}
rm -rf "$claims" "$out/grades.csv" "$out/grades.txt" "$out/plateaus.csv" "$out/plateaus.txt"
for s in $seeds; do rm -f "$out/seed$s/grades.part"; done
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
rm -rf "$cache"
# each seed's grades, its sweeps in FIGS order
for s in $seeds; do
	for f in $figs; do
		tail -n +2 "$out/seed$s/$f/explain/grades.csv" | sed "s/^/$s,/"
	done > "$out/seed$s/grades.part.tmp"
	mv "$out/seed$s/grades.part.tmp" "$out/seed$s/grades.part"
done
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
# every curve's plateau by seed (hvsim explain's explain/plateaus.csv of
# each sweep): plateaus.csv, and plateaus.txt, a row per curve with each
# seed's plateau, the range of counts its test cannot tell from it, and
# whether every seed names the same count
{
	echo "seed,sweep,curve,test,plateau_vms,low_vms,high_vms,value,ci_low,ci_high,last_vms,call_vms,call_other_vms,call_mean,call_t,call_crit,call_pairs,call_need,resampled_same,resampled_agree3,agree3_at10,agree3_at20,agree3_at40,label"
	for s in $seeds; do
		for f in $figs; do
			tail -n +2 "$out/seed$s/$f/explain/plateaus.csv" | sed "s/^/$s,$f,/"
		done
	done
} > "$out/plateaus.csv.tmp"
mv "$out/plateaus.csv.tmp" "$out/plateaus.csv"
awk -v seeds="$seeds" '
NR == 1 { next }
{
	# the label is the rest of the line after the 23rd comma, maybe quoted
	rest = $0
	for (i = 1; i <= 23; i++) { c = index(rest, ","); f[i] = substr(rest, 1, c - 1); rest = substr(rest, c + 1) }
	if (rest ~ /^"/) { rest = substr(rest, 2, length(rest) - 2); gsub(/""/, "\"", rest) }
	k = f[2] SUBSEP f[3]
	if (!(k in seen)) { seen[k] = 1; order[++n] = k; name[k] = f[2] "  " rest }
	p = f[5] == "" ? "none to " f[11] : f[5] (f[6] == f[7] ? "" : " (" f[6] "-" f[7] ")")
	at[k, f[1]] = p; pl[k, f[1]] = f[5] == "" ? "none" : f[5]
	if (f[20] != "") { ag[k] += f[20]; nag[k]++; for (q = 1; q <= 3; q++) plan[k, q] += f[20 + q] }
}
END {
	ns = split(seeds, S, " "); w = 5
	for (i = 1; i <= n; i++) if (length(name[order[i]]) > w) w = length(name[order[i]])
	printf "%-" w "s", "curve"; for (j = 1; j <= ns; j++) printf "  %-12s", "seed" S[j]; printf "  same  resampled\n"
	same = 0
	for (i = 1; i <= n; i++) {
		k = order[i]; ok = 1
		printf "%-" w "s", name[k]
		for (j = 1; j <= ns; j++) { printf "  %-12s", at[k, S[j]]; ok = ok && pl[k, S[j]] == pl[k, S[1]] }
		printf "  %-4s  %s\n", ns < 2 ? "-" : ok ? "yes" : "no", nag[k] ? sprintf("%.0f%%", 100 * ag[k] / nag[k]) : "-"
		same += ok
	}
	if (ns > 1)
		printf "%d of %d curves have the same plateau in every seed (the plateau: the first VM count no later\n", same, n
	else
		printf "one seed, so no seeds to compare (the plateau: the first VM count no later\n"
	printf "count exceeds significantly; in brackets the counts its test cannot tell from it; resampled:\n"
	printf "the chance three repetitions agree, from each seed'"'"'s replications, averaged over the seeds)\n"
	# every tested curve agreeing at once: the product of their chances
	all = 1; tested = 0
	for (q = 1; q <= 3; q++) allp[q] = 1
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (!nag[k]) continue
		tested++; all *= ag[k] / nag[k]
		for (q = 1; q <= 3; q++) allp[q] *= plan[k, q] / nag[k]
	}
	if (tested)
		printf "resampled, the chance three repetitions agree on every tested curve (%d): about %.0f%% with the\nreplications run, %.0f%%, %.0f%% and %.0f%% with 10, 20 and 40 a point (the product of the curves'"'"' chances)\n", \
			tested, 100 * all, 100 * allp[1], 100 * allp[2], 100 * allp[3]
}' "$out/plateaus.csv" > "$out/plateaus.txt.tmp"
# which replication seeds each seed's searches ran (the seed column of
# every point's capacity_replications.csv), and the seeds that share any:
# their curves have those replications in common, so they do not agree
# independently
for s in $seeds; do
	for f in $figs; do
		for r in "$out/seed$s/$f"/points/*/capacity_replications.csv; do
			[ -e "$r" ] && tail -n +2 "$r" | cut -d, -f2 | sed "s/^/$s /"
		done
	done
done | awk -v seeds="$seeds" '
{ v = $2 + 0; if (!(($1) in lo) || v < lo[$1]) lo[$1] = v; if (!(($1) in hi) || v > hi[$1]) hi[$1] = v }
END {
	ns = split(seeds, S, " ")
	printf "replication seeds run:"
	for (j = 1; j <= ns; j++)
		if (S[j] in lo) printf "%s seed %s: %s-%s", (j > 1 ? ";" : ""), S[j], lo[S[j]], hi[S[j]]
		else printf "%s seed %s: none", (j > 1 ? ";" : ""), S[j]
	shared = ""
	for (i = 1; i <= ns; i++) for (j = i + 1; j <= ns; j++) {
		a = S[i]; b = S[j]
		if (!(a in lo) || !(b in lo)) continue
		l = lo[a] > lo[b] ? lo[a] : lo[b]; h = hi[a] < hi[b] ? hi[a] : hi[b]
		if (l <= h) shared = shared sprintf("%s seeds %s and %s share %s-%s", (shared == "" ? "" : ";"), a, b, l, h)
	}
	if (ns < 2)
		printf "\n"
	else if (shared == "")
		printf "\nno two seeds share a replication: each agrees or disagrees independently\n"
	else
		printf "\nnot independent:%s\n  (their searches have those replications in common, so their plateaus agree partly by\n  construction; seeds at least max-replications apart, such as 1 101 201, share none)\n", shared
}' >> "$out/plateaus.txt.tmp"
mv "$out/plateaus.txt.tmp" "$out/plateaus.txt"
cat "$out/grades.txt"
echo
cat "$out/plateaus.txt"
