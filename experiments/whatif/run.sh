#!/bin/sh
# Run every what-if of experiments/whatif/ and plot each one.
#
# usage: experiments/whatif/run.sh [OUTDIR] [WHATIF...]
#
#   OUTDIR   where the sweeps and plots go (default out/whatif)
#   WHATIF   some of: numa-placement numa-pinning cosched xen-vcpus
#            kvm-host xen-credit machine-2s (default: all of them)
#
# Run from the project root after `make hvsim`.  Environment:
#   HVSIM   the hvsim binary (default ./hvsim)
#   JOBS    points run at once (default 2)
#   SEEDS   seeds each sweep runs with (default "1"; the README's numbers
#           are SEEDS="1 2 3", three times as long)
#
# For each what-if W and seed S: OUTDIR/W/V-seedS/ is an `hvsim sweep`
# directory (sweep.csv, points/NNN/; V is "run", or the command-line
# variant: numa-pinning's "pinned" and "free", machine-2s's "xeon-more"),
# with its log beside it.  Then, over the seeds:
#   OUTDIR/W/summary.txt  per variant and VM count: mean cumulative pages/s
#                         (min..max over the seeds), mean steal %, spin %,
#                         % of pages within 3 s, and in how many seeds the
#                         run met the paper's QoS (97%/99% within 3 s/5 s)
#   OUTDIR/W/W.png        pages/s (bars: min..max over the seeds), steal and
#                         spin, and the share of good pages, against VMs
# A sweep already complete in its directory is not run again (hvsim sweep
# resumes), so rerunning only replots.  Without gnuplot the plots are
# skipped.  The costs are uncalibrated defaults (docs/workloads.md).
set -eu
out=${1:-out/whatif}
[ $# -gt 0 ] && shift
hvsim=${HVSIM:-./hvsim}
jobs=${JOBS:-2}
seeds=${SEEDS:-1}
dir=$(dirname "$0")
all="numa-placement numa-pinning cosched xen-vcpus kvm-host xen-credit machine-2s"
list=${*:-$all}
LC_ALL=C
export LC_ALL

# sweep NAME SUBDIR [--set ...]: one sweep per seed into OUTDIR/NAME/SUBDIR-seedS
# (a sweep already complete there runs nothing: hvsim sweep resumes)
sweep() {
	name=$1 sub=$2
	shift 2
	for s in $seeds; do
		d=$out/$name/$sub-seed$s
		"$hvsim" sweep "$dir/$name.xml" -j "$jobs" --seed "$s" -o "$d" "$@" >"$d.log" 2>&1 ||
			{ echo "run.sh: $name (seed $s) failed, see $d.log" >&2; exit 1; }
	done
}

# csvs W V: the sweep.csv files of what-if W, variant V, for $seeds
csvs() {
	for s in $seeds; do
		printf '%s\n' "$out/$1/$2-seed$s/sweep.csv"
	done
}

# table VARIANT SWEEP.CSV...: one line per (variant, VMs) over the seeds'
# sweep.csv files: variant vms pages_mean pages_min pages_max steal spin
# good_pct passes runs.  VARIANT is awk code that sets v from the row
# (f("key") is the column of that header name); VMs is the `vms` column.
table() {
	code=$1
	shift
	awk -F, '
	function f(name) { return $(col[name]) }
	FNR == 1 { delete col; for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		'"$code"'
		k = v SUBSEP f("vms")
		p = f("pages_per_s") + 0
		if (!(k in n)) { order[++nk] = k; lo[k] = hi[k] = p }
		n[k]++
		sum[k] += p
		if (p < lo[k]) lo[k] = p
		if (p > hi[k]) hi[k] = p
		st[k] += f("steal_pct"); sp[k] += f("spin_pct"); gd[k] += f("good_pct")
		ok[k] += f("qos_pass")
	}
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]
			split(k, kv, SUBSEP)
			printf "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.2f\t%.1f\t%d\t%d\n", kv[1], kv[2],
				sum[k] / n[k], lo[k], hi[k], st[k] / n[k], sp[k] / n[k], gd[k] / n[k], ok[k], n[k]
		}
	}' "$@" | sort -t "$(printf '\t')" -s -k1,1 -k2,2n
}

# plot NAME TITLE: OUTDIR/NAME/summary.txt -> OUTDIR/NAME/NAME.png
plot() {
	name=$1 title=$2
	d=$out/$name
	{
		printf '# %s: mean over seeds %s\n' "$name" "$seeds"
		printf '# variant\tvms\tpages/s\tmin\tmax\tsteal%%\tspin%%\tgood%%\tqos_pass\truns\n'
		cat "$d/table.tsv"
	} >"$d/summary.txt"
	command -v gnuplot >/dev/null 2>&1 || return 0
	variants=$(cut -f1 "$d/table.tsv" | awk '!seen[$0]++')
	pl1='' pl2='' pl3='' i=0
	for v in $variants; do
		i=$((i + 1))
		f=$d/plot-$v.dat
		awk -F'\t' -v v="$v" '$1 == v' "$d/table.tsv" >"$f"
		pl1="$pl1${pl1:+, }'$f' using 2:3:4:5 with yerrorlines ls $i title '$v'"
		pl2="$pl2${pl2:+, }'$f' using 2:6 with linespoints ls $i title '$v steal', '$f' using 2:7 with linespoints ls $i dt 2 pt 6 title '$v spin'"
		pl3="$pl3${pl3:+, }'$f' using 2:8 with linespoints ls $i title '$v'"
	done
	gnuplot <<EOF
set terminal pngcairo size 900,1100 font ",10"
set output '$d/$name.png'
set style line 1 lc rgb '#1f77b4' lw 2 pt 7
set style line 2 lc rgb '#d62728' lw 2 pt 5
set style line 3 lc rgb '#2ca02c' lw 2 pt 9
set style line 4 lc rgb '#9467bd' lw 2 pt 11
set grid
set key top left
set multiplot layout 3,1 title "$title (mean of seeds $seeds; bars: min..max)"
set ylabel 'cumulative pages/s'
set yrange [0:*]
plot $pl1
set ylabel 'guest VCPU steal / spin (%)'
set key top left font ",8"
plot $pl2
set ylabel 'pages within 3 s (%)'
set xlabel 'VMs'
set yrange [0:105]
set arrow 1 from graph 0, first 97 to graph 1, first 97 nohead dt 3 lc rgb 'black'
set key bottom left font ",10"
plot $pl3
unset multiplot
EOF
}

for w in $list; do
	mkdir -p "$out/$w"
	case $w in
	numa-placement)
		sweep $w run
		table 'v = f("vm[web].placement")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "NUMA placement: KVM-75 (O(1)), Opteron 4 nodes, 2-VCPU VMs, 250 sessions each" ;;
	numa-pinning)
		sweep $w pinned
		sweep $w free --set 'vm[n0].pin=0-7' --set 'vm[n1].pin=0-7' \
			--set 'vm[n2].pin=0-7' --set 'vm[n3].pin=0-7'
		{
			table 'v = "pinned"' $(csvs $w pinned)
			table 'v = "free"' $(csvs $w free)
		} >"$out/$w/table.tsv"
		plot $w "Memory bound to a node, VCPUs pinned to its cores or free (mean over layouts and seeds)" ;;
	cosched)
		sweep $w run
		table 'v = f("hypervisor.coschedule.mode")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Co-scheduling on KVM-75 (O(1)): off, strict (gang), relaxed (3 ms skew)" ;;
	xen-vcpus)
		sweep $w run
		table 'v = "vcpus=" f("vm[web].vcpus")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Xen 3.3.0 credit: 1 vs 2 VCPUs per VM" ;;
	kvm-host)
		sweep $w run
		table 'v = f("hypervisor.policy.name")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "KVM-75 host scheduler: O(1) (2.6.21), CFS (2.6.24), EEVDF (6.6)" ;;
	xen-credit)
		sweep $w run
		table 'v = f("hypervisor.policy.name")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Xen: credit (3.3.0) vs credit2 (4.17), Dom0 included" ;;
	machine-2s)
		sweep $w run
		# the Xeon alone past the Opteron's 10 VMs (machine.profile is set
		# too, which a sweep needed before it checked each point whole)
		xeon=../../models/profiles/machines/xeon-6226r-2s.xml
		sweep $w xeon-more --set "machine.profile=$xeon" --set "sweep.vary[0].values=$xeon" \
			--set 'sweep.vary[1].values=16 20 24 28 32 40 48 56 64'
		table 'v = f("machine.profile"); sub(/.*\//, "", v); sub(/\.xml$/, "", v)' \
			$(csvs $w run) $(csvs $w xeon-more) >"$out/$w/table.tsv"
		plot $w "Opteron (8 x 2 GHz, 4 nodes) vs 2 x 16-core Xeon (2.9 GHz, 2 nodes), KVM-75" ;;
	*)
		echo "run.sh: unknown what-if '$w'; expected some of: $all" >&2
		exit 2 ;;
	esac
	printf '\n== %s\n' "$w"
	cat "$out/$w/summary.txt"
done
