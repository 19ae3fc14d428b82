#!/bin/sh
# Run the tutorial's five lessons (docs/tutorial.md) and draw their pictures.
#
# usage: experiments/tutorial/plot.sh [OUTDIR] [LESSON...]
#
#   OUTDIR   default out/tutorial
#   LESSON   some of 01 02 03 04 05 (default: all); each takes under a second
#
# Run from the project root after `make hvsim`.  HVSIM overrides the
# binary (default ./hvsim).  For lesson NN it writes OUTDIR/NN/ (the
# lesson's `hvsim run`), OUTDIR/NN-sweep/ (its `hvsim sweep`, when it has
# one), OUTDIR/NN-gantt.txt (the text Gantt chart), OUTDIR/NN-*.json (a
# Chrome trace, open at ui.perfetto.dev) and OUTDIR/NN-*.png (gnuplot,
# skipped without gnuplot), and prints the numbers the tutorial quotes.
set -eu
out=${1:-out/tutorial}
[ $# -gt 0 ] && shift
hvsim=${HVSIM:-./hvsim}
dir=$(dirname "$0")
list=${*:-01 02 03 04 05}
LC_ALL=C
export LC_ALL
mkdir -p "$out"
have_gnuplot() { command -v gnuplot >/dev/null 2>&1; }

# sweep_fresh SCEN DIR [--set ...]: a sweep into a new DIR
sweep_fresh() {
	scn=$1 d=$2
	shift 2
	rm -rf "$d"
	"$hvsim" sweep "$scn" -j 1 -o "$d" "$@" >"$d.log" 2>&1 ||
		{ cat "$d.log" >&2; exit 1; }
}

# csvcol FILE ROWKEY COLUMN: the value of COLUMN (by header name) in the
# row whose first field is ROWKEY
csvcol() {
	awk -F, -v k="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == k { print $(h[c]); exit }' "$1"
}

# timeline_png JSON T0_MS T1_MS PNG TITLE: the run segments of a Chrome
# trace (hvsim run timeline option) between T0 and T1 as a Gantt chart,
# one row per pCPU, one colour per entity.
timeline_png() {
	json=$1 t0=$2 t1=$3 png=$4 title=$5
	dat=${png%.png}.dat
	awk -v t0="$t0" -v t1="$t1" '
	BEGIN { n = 0; maxcpu = 0 }
	function num(key,   s) {
		if (!match($0, "\"" key "\": [-0-9.e+]+")) return ""
		s = substr($0, RSTART, RLENGTH); sub(/.*: /, "", s); return s + 0
	}
	# run segments only (the pCPU tracks), not the state spans of entities
	/"ph": "X"/ && !/"cat": "state"/ {
		match($0, /"name": "[^"]*"/); name = substr($0, RSTART + 9, RLENGTH - 10)
		# colours follow first appearance in the whole trace, so two
		# windows of one run colour an entity alike
		if (!(name in id)) { id[name] = n; names[n++] = name }
		a = num("ts") / 1000; b = a + num("dur") / 1000
		if (b <= t0 || a >= t1) next
		if (a < t0) a = t0
		if (b > t1) b = t1
		seg[id[name]] = seg[id[name]] sprintf("%.6f %d %.6f\n", (a + b) / 2, num("tid"), (b - a) / 2)
		if (num("tid") > maxcpu) maxcpu = num("tid")
	}
	END {
		# an entity with nothing in the window: one box off the chart
		for (i = 0; i < n; i++)
			printf "# %s\n%s\n\n", names[i], seg[i] != "" ? seg[i] : sprintf("%.6f -9 0.001\n", t0)
		s = ""
		for (i = 0; i < n; i++) s = s (i ? " " : "") names[i]
		print s > "/dev/stderr"
		print maxcpu > "/dev/stderr"
	}' "$json" >"$dat" 2>"$dat.meta"
	names=$(sed -n 1p "$dat.meta")
	maxcpu=$(sed -n 2p "$dat.meta")
	rm -f "$dat.meta"
	have_gnuplot || return 0
	n=$(echo "$names" | wc -w)
	gnuplot <<EOF
set terminal pngcairo size 1000,$((160 + 60 * (maxcpu + 1))) font ",10"
set output '$png'
set title "$title"
set xlabel 'time (ms)'
set ylabel 'pCPU'
set yrange [-0.6:$maxcpu + 0.6]
set ytics 1
set xrange [$t0:$t1]
set key outside right
set style fill solid 1.0 noborder
set linetype 1 lc rgb '#1f77b4'
set linetype 2 lc rgb '#ff7f0e'
set linetype 3 lc rgb '#d62728'
set linetype 4 lc rgb '#2ca02c'
set linetype 5 lc rgb '#9467bd'
set linetype 6 lc rgb '#8c564b'
set linetype 7 lc rgb '#e377c2'
set linetype 8 lc rgb '#7f7f7f'
names = "$names"
plot for [i=0:$n - 1] '$dat' index i using 1:2:3:(0.38) with boxxyerror lt (i % 8) + 1 title word(names, i + 1)
EOF
}

lesson01() {
	scn=$dir/01-steal.xml
	"$hvsim" run "$scn" -o "$out/01" --force --gantt >"$out/01-gantt.txt"
	"$hvsim" run "$scn" -o "$out/01-short" --force --set run.duration=300ms --set run.warmup=0s \
		--timeline "$out/01-timeline.json" >/dev/null
	timeline_png "$out/01-timeline.json" 0 300 "$out/01-timeline.png" \
		"Lesson 1: 3 CPU-bound 1-VCPU VMs on 2 cores, Xen credit (30 ms slices)"
	sweep_fresh "$scn" "$out/01-sweep"
	echo "lesson 1: steal % of each VM with 3 VMs (vms.csv):"
	awk -F, 'NR > 1 { printf "  %s run %.2f s ready %.2f s steal %.1f%%\n", $1, $5, $6, $10 }' "$out/01/vms.csv"
	echo "lesson 1: VMs, steal % (sweep.csv) and 1 - 2/N:"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ n = $1; t = n > 2 ? 100 * (1 - 2 / n) : 0
		  printf "  %d %.2f %.2f\n", n, $(h["steal_pct"]), t }' "$out/01-sweep/sweep.csv" | tee "$out/01-steal.dat"
	have_gnuplot || return 0
	gnuplot <<EOF
set terminal pngcairo size 700,450 font ",10"
set output '$out/01-steal.png'
set title 'Lesson 1: steal time of N CPU-bound 1-VCPU VMs on 2 cores'
set xlabel 'VMs (one VCPU each)'
set ylabel 'steal (% of run + ready time)'
set grid
set key top left
set xrange [0.5:6.5]
set yrange [0:80]
f(x) = x > 2 ? 100 * (1 - 2 / x) : 0
set samples 601
plot f(x) with lines lw 2 dt 2 lc rgb 'black' title '1 - 2/N (fair sharing)', \
     '$out/01-steal.dat' using 1:2 with points pt 7 ps 1.6 lc rgb '#d62728' title 'hvsim (sweep.csv steal\_pct)'
EOF
}

lesson02() {
	scn=$dir/02-boost.xml
	"$hvsim" run "$scn" -o "$out/02" --force --gantt --set run.duration=200ms --set run.warmup=0s >"$out/02-gantt.txt"
	"$hvsim" run "$scn" -o "$out/02" --force >/dev/null
	for v in 20ms 1ms; do
		"$hvsim" run "$scn" -o "$out/02-t$v" --force --set run.duration=1.2s --set run.warmup=0s \
			--set "vm[io].workload[req].closed.think.mean=$v" --timeline "$out/02-think$v.json" >/dev/null
		timeline_png "$out/02-think$v.json" 1000 1200 "$out/02-think$v.png" \
			"Lesson 2: io (1 ms requests, think $v) and two hogs on one core, Xen credit, 1.0-1.2 s"
	done
	sweep_fresh "$scn" "$out/02-sweep"
	echo "lesson 2: io's requests per policy and think time (points/NNN/workloads.csv, sweep.csv good_pct = within 5 ms):"
	i=0
	: >"$out/02-boost.dat"
	tail -n +2 "$out/02-sweep/sweep.csv" | while IFS=, read -r pol think rest; do
		i=$((i + 1))
		p=$out/02-sweep/points/$(printf %03d $i)
		r=$(csvcol "$p/workloads.csv" io/req response_mean_s)
		x=$(csvcol "$p/workloads.csv" io/req response_max_s)
		t=$(csvcol "$p/workloads.csv" io/req throughput_per_s)
		g=$(awk -F, -v i=$((i + 1)) 'NR == 1 { for (k = 1; k <= NF; k++) h[$k] = k } NR == i { print $(h["good_pct"]) }' \
			"$out/02-sweep/sweep.csv")
		st=$(csvcol "$p/vms.csv" io steal_pct)
		printf '  %-8s think %-5s %7.1f req/s  response mean %6.2f ms  max %6.1f ms  within 5 ms %5.1f%%  io steal %4.1f%%\n' \
			"$pol" "$think" "$t" "$(echo "$r" | awk '{print $1 * 1000}')" "$(echo "$x" | awk '{print $1 * 1000}')" "$g" "$st"
		printf '"%s\\nthink %s" %s %s\n' "$pol" "$think" "$(echo "$r" | awk '{print $1 * 1000}')" "$g" >>"$out/02-boost.dat"
	done
	have_gnuplot || return 0
	gnuplot <<EOF
set terminal pngcairo size 800,500 font ",10"
set output '$out/02-boost.png'
set bmargin 4
set title "Lesson 2: io's mean response time (1 ms of CPU a request) beside two hogs on one core"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8
set ylabel 'mean response (ms)'
set y2label 'requests within 5 ms (%)'
set y2tics
set yrange [0:*]
set y2range [0:105]
set grid y
set key top center
plot '$out/02-boost.dat' using 2:xtic(1) title 'mean response (ms)' lc rgb '#1f77b4', \
     '' using 0:3 axes x1y2 with linespoints pt 7 ps 1.5 lw 2 lc rgb '#d62728' title 'within 5 ms (%)'
EOF
}

lesson03() {
	scn=$dir/03-numa.xml
	"$hvsim" run "$scn" -o "$out/03" --force >/dev/null
	echo "lesson 3: VM, memory node, remote share, job time measured and predicted 100 ms x (0.58 + 0.42 r):"
	: >"$out/03-numa.dat"
	for v in local:1 hop1:1.085 hop2:1.30 spread:1.1175 touch:1; do
		vm=${v%%:*} r=${v#*:}
		resp=$(csvcol "$out/03/workloads.csv" "$vm/jobs" response_mean_s)
		node=$(csvcol "$out/03/vms.csv" "$vm" mem_node)
		rem=$(csvcol "$out/03/vms.csv" "$vm" remote_share)
		awk -v vm="$vm" -v r="$r" -v t="$resp" -v n="$node" -v rs="$rem" 'BEGIN {
			printf "  %-7s node %2s remote %.2f  %.3f ms  predicted %.3f ms\n", vm, n, rs, t * 1000, 100 * (0.58 + 0.42 * r) }'
		awk -v vm="$vm" -v r="$r" -v t="$resp" 'BEGIN { printf "%s %.4f %.4f\n", vm, t * 1000, 100 * (0.58 + 0.42 * r) }' >>"$out/03-numa.dat"
	done
	have_gnuplot || return 0
	gnuplot <<EOF
set terminal pngcairo size 700,450 font ",10"
set output '$out/03-numa.png'
set title 'Lesson 3: a 100 ms job (42% memory stalls) by where its memory is'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8
set ylabel 'job time (ms)'
set yrange [90:116]
set grid y
set key top right
plot '$out/03-numa.dat' using 2:xtic(1) title 'hvsim (workloads.csv response\_mean\_s)' lc rgb '#1f77b4', \
     '' using 3 title '100 ms x (0.58 + 0.42 r)' lc rgb '#aaaaaa'
EOF
}

lesson04() {
	scn=$dir/04-lhp.xml
	"$hvsim" run "$scn" -o "$out/04" --force --gantt --set run.duration=3s --set run.warmup=0s >"$out/04-gantt.txt"
	"$hvsim" run "$scn" -o "$out/04" --force --timeline "$out/04-timeline.json" >/dev/null
	timeline_png "$out/04-timeline.json" 0 240 "$out/04-timeline-start.png" \
		"Lesson 4: smp (A) and other, host RR 30 ms: 0-240 ms, smp's VCPUs in step"
	timeline_png "$out/04-timeline.json" 12000 12240 "$out/04-timeline-later.png" \
		"Lesson 4: the same run at 12.00-12.24 s: smp VCPUs out of step (jobs ended at 2.0, 4.2, 6.3 s)"
	sweep_fresh "$scn" "$out/04-sweep"
	"$hvsim" run "$scn" -o "$out/04-1vcpu" --force --set 'vm[smp].vcpus=1' >/dev/null
	echo "lesson 4: smp VM: VCPUs, co-scheduling, run s, spin s, spin % of run, jobs done; other's run s:"
	: >"$out/04-lhp.dat"
	row() { # label vms.csv
		awk -F, -v l="$1" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$1 == "smp" { r = $(h["run_s"]); s = $(h["spin_s"]); j = $(h["jobs_done"]) }
			$1 == "other" { o = $(h["run_s"]) }
			END { printf "  %-16s run %6.2f s  spin %6.2f s  %5.1f%%  jobs %3d   other run %6.2f s\n", l, r, s, 100 * s / r, j, o
			      printf "\"%s\" %.3f %d\n", l, 100 * s / r, j > "/dev/stderr" }' "$2" 2>>"$out/04-lhp.dat"
	}
	i=0
	for m in off strict relaxed; do
		i=$((i + 1))
		row "2 VCPUs, $m" "$out/04-sweep/points/$(printf %03d $i)/vms.csv"
	done
	row "1 VCPU, off" "$out/04-1vcpu/vms.csv"
	have_gnuplot || return 0
	gnuplot <<EOF
set terminal pngcairo size 750,450 font ",10"
set output '$out/04-lhp.png'
set title 'Lesson 4: spin on a preempted lock holder (smp VM, lock held 20%, 2 cores shared)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8
set ylabel 'spin (% of the VM run time)'
set y2label 'jobs of 1 s done in 18 s'
set y2tics
set yrange [0:*]
set y2range [0:*]
set grid y
set key top right
plot '$out/04-lhp.dat' using 2:xtic(1) title 'spin %' lc rgb '#d62728', \
     '' using 0:3 axes x1y2 with linespoints pt 7 ps 1.5 lw 2 lc rgb '#1f77b4' title 'jobs done'
EOF
}

lesson05() {
	scn=$dir/05-emulation.xml
	"$hvsim" run "$scn" -o "$out/05" --force >/dev/null
	sweep_fresh "$scn" "$out/05-sweep"
	echo "lesson 5: netperf in one VM: Mbit/s; CPU seconds of the VCPU (or EMT), the QEMU I/O thread, Dom0; CPU s per Gbit:"
	: >"$out/05-emu.dat"
	i=0
	for hv in kvm-75 xen-3.3.0 vbox-2.0.6 native; do
		i=$((i + 1))
		p=$out/05-sweep/points/$(printf %03d $i)
		mb=$(awk -F, 'NR == 2 { print $4 }' "$p/micro.csv")
		awk -F, -v hv="$hv" -v mb="$mb" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			{ r = $(h["run_s"]) }
			$(h["kind"]) == "vcpu" || $(h["kind"]) == "emt" { if ($1 ~ /^Domain-0/) d += r; else v += r; next }
			$(h["kind"]) == "qemu-io" { q += r; next }
			$(h["kind"]) == "dom0" { d += r }
			END { printf "  %-11s %7.1f Mbit/s  VCPU %.3f s  qemu-io %.3f s  Dom0 %.3f s  %.2f CPU s per Gbit\n", hv, mb, v, q, d, (v + q + d) / (mb / 1000)
			      printf "%s %.4f %.4f %.4f %.2f\n", hv, v, q, d, mb > "/dev/stderr" }' "$p/entities.csv" 2>>"$out/05-emu.dat"
	done
	have_gnuplot || return 0
	gnuplot <<EOF
set terminal pngcairo size 750,450 font ",10"
set output '$out/05-emulation.png'
set title 'Lesson 5: netperf for 1 s in one VM: who spends the CPU, and the Mbit/s it buys'
set style data histograms
set style histogram rowstacked
set style fill solid 0.8
set boxwidth 0.6
set ylabel 'CPU seconds in the 1.1 s run'
set y2label 'Mbit/s'
set y2tics
set yrange [0:1.8]
set y2range [0:1000]
set grid y
set key top left
plot '$out/05-emu.dat' using 2:xtic(1) title 'guest VCPU (EMT)' lc rgb '#1f77b4', \
     '' using 3 title 'QEMU I/O thread' lc rgb '#ff7f0e', \
     '' using 4 title 'Dom0 (qemu-dm)' lc rgb '#2ca02c', \
     '' using 0:5 axes x1y2 with linespoints pt 7 ps 1.5 lw 2 lc rgb '#d62728' title 'Mbit/s'
EOF
}

for l in $list; do
	case $l in
	01 | 02 | 03 | 04 | 05) lesson$l ;;
	*) echo "plot.sh: unknown lesson '$l'; expected some of 01 02 03 04 05" >&2; exit 2 ;;
	esac
done
