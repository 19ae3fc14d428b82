#!/bin/sh
# Reproduce the paper (Bastoni et al.) end to end with the calibrated
# profiles: predictions of every statement P1-P13 (fit and held-out rows of
# traces/data/paper.csv), the figures' data and plots, and an explanation
# of every curve of Figs. 3 and 4.
#
#   experiments/paper/run.sh [--quick | --full] [-j N] [--counterfactual POINTS] [--seeds LIST] [OUTDIR]
#
# --full (default): the run lengths of experiments/paper/specweb.xml,
#   fig3.xml and fig4.xml (each capacity probe measures from 30 s until a
#   sequential test decides its QoS, at most 120 s, after a 30 s warm-up;
#   5 replications, more until each point's 95% interval is within +-3%,
#   at most 41) and every VM count 1..10.
# --quick: 2 replications of probes measuring 10-20 s after 10 s of
#   warm-up, each bisection to 4% of the answer (not 2%), intervals as
#   wide as they come (stated on the plots).
# --counterfactual POINTS: also split the capacity of those points of
#   every curve over its causes (hvsim explain's counterfactual option,
#   docs/explain.md): plateau (each curve's plateau and last point), all,
#   or VM counts / CURVE:COUNT pairs.  About 20 capacity searches a point:
#   10-25 minutes a point on 2 cores in full mode.
# --seeds LIST: grade the shape statements of shapes.csv (P4-P8, P12,
#   P13) for these seeds and seed 1 with grade.sh into OUTDIR/grade/
#   (every seed's sweeps and predictions side by side; seed 1's are the
#   figures'): grade/grades.txt, a row per statement and a column per
#   seed; and every row of P1-P13 predicted for each seed
#   (grade/statements.txt).  Default "1 101 201" in full mode (about 3
#   times as long as one seed), "1" in quick mode; "none": seed 1's Fig. 3
#   and Fig. 4 and predictions alone, nothing graded by seed.  A search
#   with seed s runs its replications with seeds s, s + 1, ... (up to 41
#   of them), so seeds closer than that share replications and do not
#   agree independently (grade/plateaus.txt says which they share).
# The curves are capacity sweeps (fig3/, fig4/); the predictions take
# their points from them (calibrate's known option) and simulate the
# rest, so a curve point is one number in the plots, the statements and
# the explanations.
# OUTDIR (default out/paper or out/paper-quick) gets:
#   statements.txt      P1-P13: stated, predicted, pass/fail (from predict/)
#   predict/            hvsim calibrate --values: report.txt, points.csv, quantities.csv
#   fig3/, fig4/        hvsim sweep of the Fig. 3 and Fig. 4 curves, with
#                       hvsim explain's explain/ (report and diagrams) in each,
#                       and the shape statements of shapes.csv graded
#                       (explain/grades.csv; grade.sh does it for 3 seeds)
#   data/known.csv      the sweeps' points as the predictions take them
#   fig1-2.svg fig3.svg fig4.svg micro.svg   gnuplot plots (data in data/)
#   grade/              grade.sh's sweeps, predictions (seedS/predict/:
#                       that seed's curves and run.seed=S) and grades.txt
#                       (--seeds), statements.txt: P1-P13 pass/fail
#                       side by side, and plateaus.txt: every curve's
#                       plateau by seed, and whether the seeds agree
#   times.txt           wall seconds of each step, and the CPU seconds of
#                       every process it ran (cores busy on average)
# HVSIM names the binary (default ./hvsim, from the project root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
HVSIM=${HVSIM:-$root/hvsim}
mode=full
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
out=""
cf=""
seeds=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) mode=quick ;;
	--full) mode=full ;;
	-j) shift; jobs=$1 ;;
	--counterfactual) shift; cf=$1 ;;
	--seeds) shift; seeds=$1 ;;
	-h|--help) sed -n '2,/^[^#]/{/^#/p;}' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || { [ $mode = quick ] && out=out/paper-quick || out=out/paper; }
[ -n "$seeds" ] || { [ $mode = quick ] && seeds=1 || seeds="1 101 201"; }
if [ -e "$out" ] && [ ! -e "$out/.hvsim-paper" ]; then
	echo "run.sh: $out exists and is not a paper reproduction; choose another OUTDIR" >&2
	exit 2
fi
rm -rf "$out"
mkdir -p "$out/data"
: > "$out/.hvsim-paper"

# Settings of every capacity search (the sweeps' and the predictions'):
# the scenarios' own in full mode, shorter and fewer in quick mode
# (grade.sh --quick: 2 replications of probes measuring 10-20 s after
# 10 s of warm-up, bisected to 4% of the answer).
if [ $mode = quick ]; then
	note="quick mode: 2 replications of 10-20 s probes, a 4% bracket; 95% intervals wide"
else
	note="95% intervals over 5-41 replications"
fi

now() { date +%s.%N; }
t_all=$(now)
step() { # name, start time
	printf '%-10s %6.1f s\n' "$1" "$(echo "$(now) - $2" | bc)" >> "$out/times.txt"
}

# 1. every capacity sweep and every prediction (grade.sh --predict): for
# each seed the curves of Figs. 3 and 4 (every point a search with its
# interval), all of P1-P13 predicted from them and the rest simulated,
# and (with --seeds) the P12 sweep, the seeds' work side by side so that
# every core stays busy (grade.sh, "The work is units").  Seed 1's
# curves and predictions are the figures' and statements.txt's.
allseeds=1
if [ "$seeds" != none ]; then
	for s in $seeds; do
		case " $allseeds " in *" $s "*) ;; *) allseeds="$allseeds $s" ;; esac
	done
	figs="fig3 fig4 vcpus"
else
	figs="fig3 fig4"
fi
gq=""
[ $mode = quick ] && gq=--quick
t=$(now)
# shellcheck disable=SC2086
FIGS="$figs" HVSIM="$HVSIM" "$here/grade.sh" $gq -j "$jobs" --predict --seeds "$allseeds" "$out/grade" \
	> "$out/grade.log" 2>&1 || { echo "run.sh: the sweeps or predictions failed, see $out/grade.log" >&2; exit 1; }
step sweeps "$t"
# seed 1's: the figures' curves, with hvsim explain's report and diagrams
for f in fig3 fig4; do
	cp -r "$out/grade/seed1/$f" "$out/$f"
	cp "$out/grade/seed1/$f.log" "$out/$f.log"
	"$HVSIM" explain "$out/$f" --grade "$here/shapes.csv" --force > /dev/null
done
cp -r "$out/grade/seed1/predict" "$out/predict"
cp "$out/grade/seed1/predict.log" "$out/predict.log"
cp "$out/grade/seed1/known.csv" "$out/data/known.csv"
if [ -n "$cf" ]; then
	for f in fig3 fig4; do
		t=$(now)
		"$HVSIM" explain "$out/$f" --counterfactual "$here/$f.xml" --points "$cf" -j "$jobs" --force \
			--grade "$here/shapes.csv" \
			> /dev/null 2> "$out/$f-counterfactual.log"
		step "$f-cf" "$t"
	done
fi

# 2. the statements (seed 1's predictions)
sed -n '/^statements/,$p' "$out/predict/report.txt" > "$out/statements.txt"
{ echo; sed -n '/^held out/,/^$/p' "$out/predict/report.txt"; } >> "$out/statements.txt"

# 3. plots
t=$(now)
q="$out/predict/quantities.csv"
# Figs. 1-2: ratio to native of one VM, 1 and 2 VCPUs
awk -F, 'NR>1 && $1=="specweb" && $3==1 && $6=="ratio_to_native" { r[$2","$4]=$7 }
	END { printf "KVM %s %s\nXen %s %s\nVirtualBox %s -\n", r["kvm-75,1"], r["kvm-75,2"],
	      r["xen-3.3.0,1"], r["xen-3.3.0,2"], r["vbox-2.0.6,1"] }' "$q" > "$out/data/fig1-2.dat"
# Figs. 3-4: cumulative sessions by VMs, each with its 95% interval
# (value low high per hypervisor); a point that failed or found no
# capacity is "?" (a gap in the plot), never 0
for v in 1 2; do
	awk -F, -v v=$v 'function cell(k) { return (k in c && c[k] > 0) ? c[k] " " lo[k] " " hi[k] : "? ? ?" }
		NR>1 && $1=="specweb" && $6=="cumulative_sessions" {
		if ($4==v || ($2=="vbox-2.0.6" && $4==1)) {
			k=$3","$2; c[k]=$7; lo[k]=($8==""?$7:$8); hi[k]=($9==""?$7:$9) }
		n=($3>n?$3:n) }
		END { for (i=1;i<=n;i++) printf "%d %s %s %s\n", i, cell(i",kvm-75"), cell(i",xen-3.3.0"),
		      cell(i",vbox-2.0.6") }' \
		"$q" > "$out/data/fig$((v==2 ? 3 : 4)).dat"
done
gap=""
if grep -q '?' "$out/data/fig3.dat" "$out/data/fig4.dat"; then
	gap="a gap: a point whose search failed or found no capacity (see predict.log)"
fi
printf '%s\n' "$note" ${gap:+"$gap"} > "$out/data/note.txt"
# Figs. 5-7: microbenchmarks normalised to native
for b in bzip2 netperf dd; do
	awk -F, -v b=$b 'NR>1 && $1==b && $6=="ratio_to_native" { r[$3","$2]=$7 }
		END { split("1 5 10", n, " "); for (i=1;i<=3;i++)
		      printf "%d %s %s %s\n", n[i], r[n[i]",kvm-75"], r[n[i]",xen-3.3.0"], r[n[i]",vbox-2.0.6"] }' \
		"$q" > "$out/data/$b.dat"
done
( cd "$out" && gnuplot -e "note='$note'; gap='$gap'" "$here/plots.gp" )
step plots "$t"
# 4. every statement by seed: the shape statements (grade.sh's
# grades.txt) and P1-P13 pass/fail side by side in grade/statements.txt
if [ "$seeds" != none ]; then
	for s in $allseeds; do
		if [ "$s" = 1 ]; then r=$out/predict/report.txt; else r=$out/grade/seed$s/predict/report.txt; fi
		printf '%s %s\n' "$s" "$r"
	done | awk '
	{ s[++n] = $1; f = $2
	  while ((getline line < f) > 0) {
		if (line ~ /^mean absolute error of the two-sided rows/) { getline l2 < f; two[$1] = l2 }
		if (line ~ /^rows passing:/) rows[$1] = line
		if (line !~ /^  P[0-9]+ /) continue
		k = split(line, w, " "); id = w[1]
		kind = (w[2] == "held") ? "held out" : "fit"
		if (!(id in seen)) { seen[id] = 1; order[++m] = id; kd[id] = kind }
		res[id, $1] = w[k - 5] "/" w[k - 3] " " w[k]
	  }
	  close(f) }
	END {
		print "statements P1-P13 by seed (rows passing, then the statement: it passes when all its rows pass;"
		print "P12 is graded in grades.txt; seed 1 is predict/, seed S grade/seedS/predict/)"
		printf "%-6s %-9s", "", ""; for (j = 1; j <= n; j++) printf " %-12s", "seed " s[j]; printf "\n"
		for (i = 1; i <= m; i++) {
			id = order[i]; printf "%-6s %-9s", id, kd[id]
			for (j = 1; j <= n; j++) printf " %-12s", ((id, s[j]) in res) ? res[id, s[j]] : "-"
			printf "\n"
		}
		for (j = 1; j <= n; j++) {
			printf "seed %s: %s\n", s[j], rows[s[j]]
			sub(/^ *not counted\): /, "", two[s[j]])
			printf "  mean absolute error of the two-sided rows: %s\n", two[s[j]]
		}
	}' > "$out/grade/statements.txt"
fi
wall=$(echo "$(now) - $t_all" | bc)
printf '%-10s %6.1f s  (%s mode, -j %s)\n' total "$wall" $mode "$jobs" >> "$out/times.txt"
# the processes' CPU time (user + system of every child, from the shell's
# times): CPU s / wall s is how many cores were busy on average
times > "$out/.times"   # not in a pipe: a subshell's times are its own
awk -v w="$wall" 'NR == 2 {
	n = split($0, f, " "); cpu = 0
	for (i = 1; i <= n; i++) { split(f[i], ms, "m"); sub(/s$/, "", ms[2]); cpu += 60 * ms[1] + ms[2] }
	printf "%-10s %6.1f s  (%.2f cores busy on average)\n", "cpu", cpu, (w > 0 ? cpu / w : 0) }' "$out/.times" >> "$out/times.txt"
rm -f "$out/.times"

cat "$out/statements.txt"
echo
for f in fig3 fig4; do
	echo "== $f ($out/$f/explain/explain.txt):"
	grep -E '^curve [0-9]+:|^  plateau:|^  closest call:|^  resampled|^  saturated|^    1\. ' "$out/$f/explain/explain.txt" || true
done
if [ "$seeds" != none ]; then
	echo
	echo "== shape statements by seed ($out/grade/grades.txt):"
	cat "$out/grade/grades.txt"
	echo
	echo "== every statement by seed ($out/grade/statements.txt):"
	cat "$out/grade/statements.txt"
	echo
	echo "== every curve's plateau by seed ($out/grade/plateaus.txt):"
	cat "$out/grade/plateaus.txt"
fi
echo
cat "$out/times.txt"
echo "wrote $out/ (statements.txt, predict/, fig3/, fig4/, grade/, *.svg)"
