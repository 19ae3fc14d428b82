#!/bin/sh
# Run every what-if of experiments/whatif/ (capacity sweeps on the
# calibrated profiles), tabulate and plot each one.
#
# usage: experiments/whatif/run.sh [OUTDIR] [WHATIF...]
#
#   OUTDIR   where the sweeps and plots go (default out/whatif)
#   WHATIF   some of: numa-placement numa-pinning cosched xen-vcpus
#            xen-dom0 kvm-host xen-credit machine-2s (default: all of them)
#
# Run from the project root after `make hvsim`.  Environment:
#   HVSIM   the hvsim binary (default ./hvsim)
#   JOBS    points run at once (default 2)
#   SEEDS   seeds each sweep runs with (default "1": every point is a
#           capacity search with its own replications and 95% interval;
#           seed s's replications are s, s + 1, ..., so for independent
#           seeds take them far apart, "1 101 201": docs/capacity.md)
#
# For each what-if W and seed S: OUTDIR/W/V-seedS/ is an `hvsim sweep`
# directory (sweep.csv, points/NNN/, explain/; V is "run", or the
# command-line variant: numa-pinning's "pinned" and "free", machine-2s's
# "xeon-more"), with its log beside it.  Then:
#   OUTDIR/W/summary.txt  per variant and VM count: cumulative sessions
#                         meeting the paper's QoS (sessions per VM x VMs)
#                         and its 95% interval (over the replications; with
#                         several seeds the mean of the seeds and the
#                         envelope of their intervals), sessions per VM,
#                         replications, CPU utilisation at capacity; then
#                         each curve's plateau from `hvsim explain`
#                         (paired test over the replications, and the VM
#                         counts it cannot tell from the plateau)
#   OUTDIR/W/W.png        cumulative sessions against VMs, 95% error bars,
#                         a failed point (no row, or 0) left as a gap
#   OUTDIR/W/times.txt    wall seconds of each sweep: variant, seed, s
#                         (a line a call, appended)
# A sweep already complete in its directory is not run again (hvsim sweep
# resumes), so rerunning only retabulates and replots.  A sweep with a
# failed point goes on (exit 1: the point has no row); one that cannot
# start (exit 2) stops the script.  Without gnuplot the plots are skipped.
set -eu
out=${1:-out/whatif}
[ $# -gt 0 ] && shift
hvsim=${HVSIM:-./hvsim}
jobs=${JOBS:-2}
seeds=${SEEDS:-1}
dir=$(dirname "$0")
all="numa-placement numa-pinning cosched xen-vcpus xen-dom0 kvm-host xen-credit machine-2s"
list=${*:-$all}
LC_ALL=C
export LC_ALL
tab=$(printf '\t')

# sweep NAME SUBDIR [--set ...]: one sweep per seed into OUTDIR/NAME/SUBDIR-seedS
# (a sweep already complete there runs nothing: hvsim sweep resumes), then
# hvsim explain on it for the plateaus (OUTDIR/NAME/SUBDIR-seedS.explain)
sweep() {
	name=$1 sub=$2
	shift 2
	for s in $seeds; do
		d=$out/$name/$sub-seed$s
		t0=$(date +%s)
		rc=0
		"$hvsim" sweep "$dir/$name.xml" -j "$jobs" --seed "$s" -o "$d" "$@" >"$d.log" 2>&1 || rc=$?
		case $rc in
		0) ;;
		1) echo "run.sh: $name (seed $s): some point failed (a gap), see $d.log" >&2 ;;
		*) echo "run.sh: $name (seed $s) failed, see $d.log" >&2; exit 1 ;;
		esac
		printf '%s\t%s\t%d\n' "$sub" "$s" $(($(date +%s) - t0)) >>"$out/$name/times.txt"
		"$hvsim" explain "$d" --no-render --force >"$d.explain" 2>&1 ||
			echo "run.sh: hvsim explain $d failed, see $d.explain" >&2
	done
}

# csvs W V: the sweep.csv files of what-if W, variant V, for $seeds
csvs() {
	for s in $seeds; do
		printf '%s\n' "$out/$1/$2-seed$s/sweep.csv"
	done
}

# table VARIANT SWEEP.CSV...: one line per (variant, VMs) over the seeds'
# sweep.csv files: variant vms cumulative ci_low ci_high sessions_per_vm
# replications cpu% rows.  cumulative is sessions_per_vm x vms (mean over
# the rows: seeds, and for numa-pinning the layouts with that total);
# ci_low..ci_high the 95% interval of the cumulative sessions (vms x the
# per-VM interval; over several rows the lowest low and highest high).
# VARIANT is awk code that sets v from the row (f("key") is the column of
# that header name).  A row whose capacity is 0 counts as a gap: printed
# with "-"; plot() leaves it as a gap, as it does a missing point.
table() {
	code=$1
	shift
	awk -F, '
	function f(name) { return $(col[name]) }
	FNR == 1 { delete col; for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		'"$code"'
		n = f("vms") + 0
		k = v SUBSEP n
		c = f("cumulative_sessions") + 0
		lo = f("ci_low"); hi = f("ci_high")
		if (lo == "") lo = hi = f("sessions_per_vm")
		lo *= n; hi *= n
		if (!(k in rows)) { order[++nk] = k; l[k] = lo; h[k] = hi }
		rows[k]++
		if (c <= 0) { gap[k]++; next }
		good[k]++
		sum[k] += c; spv[k] += f("sessions_per_vm"); rep[k] += f("replications")
		cpu[k] += 100 * f("cpu_util")
		if (lo < l[k]) l[k] = lo
		if (hi > h[k]) h[k] = hi
	}
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]
			split(k, kv, SUBSEP)
			if (!good[k]) {
				printf "%s\t%d\t-\t-\t-\t-\t-\t-\t%d\n", kv[1], kv[2], rows[k]
				continue
			}
			g = good[k]
			printf "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\n", kv[1], kv[2],
				sum[k] / g, l[k], h[k], spv[k] / g, rep[k] / g, cpu[k] / g, rows[k]
		}
	}' "$@" | sort -t "$tab" -s -k1,1 -k2,2n
}

# plateaus W SUBDIR...: the curves and plateau lines of hvsim explain for
# the sweeps SUBDIR of what-if W, every seed
plateaus() {
	w=$1
	shift
	for v in "$@"; do
		for s in $seeds; do
			printf '# %s, seed %s (hvsim explain %s/%s/%s-seed%s --no-render)\n' "$v" "$s" "$out" "$w" "$v" "$s"
			awk '/^curve [0-9]+:/ { c = $0 } /^  plateau:/ { print c; print; n++ }
			     END { if (!n) print "  (no plateau line: see the .explain file)" }' "$out/$w/$v-seed$s.explain"
		done
	done
}

# plot NAME TITLE [SUBDIR...]: OUTDIR/NAME/table.tsv -> summary.txt and
# NAME.png; the plateau lines of the sweeps SUBDIR (none: no plateaus)
plot() {
	name=$1 title=$2
	shift 2
	d=$out/$name
	{
		printf '# %s: capacity sweeps, seeds %s\n' "$name" "$seeds"
		printf '# cumulative = sessions per VM meeting the paper QoS x VMs; 95%% interval over the replications\n'
		printf '# variant\tvms\tcumul.\tci_low\tci_high\tper_vm\treps\tcpu%%\trows\n'
		cat "$d/table.tsv"
		printf '\n# plateaus (hvsim explain: the first count no later count exceeds significantly,\n'
		printf '# paired t tests over the replications; "indistinguishable" = the counts it cannot tell from it)\n'
		if [ $# -gt 0 ]; then
			plateaus "$name" "$@"
		else
			printf '# none: the plateau test needs one VM-count key (see README.md, Known problems)\n'
		fi
	} >"$d/summary.txt"
	command -v gnuplot >/dev/null 2>&1 || return 0
	variants=$(cut -f1 "$d/table.tsv" | awk '!seen[$0]++')
	pl='' i=0
	for v in $variants; do
		i=$((i + 1))
		f=$d/plot-$(printf '%s' "$v" | tr -c 'A-Za-z0-9_.=-' '_').dat
		# the VM counts of every variant; one this variant lacks (a failed
		# point: no row) or whose capacity is 0 ("-") is a blank line, which
		# breaks gnuplot's line there: a gap, not a drop
		awk -F'\t' -v v="$v" '
			!($2 in seen) { seen[$2]; cnt[++nc] = $2 }
			$1 == v { row[$2] = $0 }
			END {
				for (i = 1; i <= nc; i++)
					for (j = i + 1; j <= nc; j++)
						if (cnt[j] + 0 < cnt[i] + 0) { t = cnt[i]; cnt[i] = cnt[j]; cnt[j] = t }
				for (i = 1; i <= nc; i++) {
					r = row[cnt[i]]
					split(r, a, "\t")
					print (r == "" || a[3] == "-") ? "" : r
				}
			}' "$d/table.tsv" >"$f"
		pl="$pl${pl:+, }'$f' using 2:3:4:5 with yerrorlines ls $i title '$v'"
	done
	gnuplot <<EOF
set terminal pngcairo size 900,600 font ",10"
set output '$d/$name.png'
set datafile separator '\t'
set style line 1 lc rgb '#1f77b4' lw 2 pt 7
set style line 2 lc rgb '#d62728' lw 2 pt 5
set style line 3 lc rgb '#2ca02c' lw 2 pt 9
set style line 4 lc rgb '#9467bd' lw 2 pt 11
set grid
set key outside right top vertical
set title "$title\n(capacity sweeps, seeds $seeds; bars: 95% interval)"
set xlabel 'VMs'
set ylabel 'cumulative sessions meeting QoS'
set yrange [0:*]
set offsets 0.3, 0.3, 0, 0
plot $pl
EOF
}

for w in $list; do
	mkdir -p "$out/$w"
		case $w in
	numa-placement)
		sweep $w run
		table 'v = f("vm[web].placement")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "NUMA placement: KVM-75 (O(1)), Opteron 4 nodes, 2-VCPU VMs" run ;;
	numa-pinning)
		sweep $w pinned
		sweep $w free --set 'vm[n0].pin=0-7' --set 'vm[n1].pin=0-7' \
			--set 'vm[n2].pin=0-7' --set 'vm[n3].pin=0-7'
		# by total VMs: the mean over the layouts with that total, the
		# interval the envelope of theirs
		{
			table 'v = "pinned"' $(csvs $w pinned)
			table 'v = "free"' $(csvs $w free)
		} >"$out/$w/table.tsv"
		# no plateau lines: hvsim explain tests along one VM-count key,
		# and these layouts have four (it reads vm[n0].count as the curve)
		plot $w "Memory bound to a node, VCPUs pinned to its cores or free (mean over layouts)" ;;
	cosched)
		sweep $w run
		table 'v = f("hypervisor.coschedule.mode")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Co-scheduling on KVM-75 (O(1)): off, strict (gang), relaxed (3 ms skew)" run ;;
	xen-vcpus)
		sweep $w run
		table 'v = "vcpus=" f("vm[web].vcpus")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Xen 3.3.0 credit: 1 vs 2 VCPUs per VM" run ;;
	xen-dom0)
		sweep $w run
		table 'v = "dom0=" f("hypervisor.dom0.vcpus") ",vcpus=" f("vm[web].vcpus")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Xen 3.3.0 credit: Dom0 of 8, 2 or 1 VCPUs; guests of 1 or 2 VCPUs" run ;;
	kvm-host)
		sweep $w run
		table 'v = f("hypervisor.policy.name")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "KVM-75 host scheduler: O(1) (2.6.21), CFS (2.6.24), EEVDF (6.6)" run ;;
	xen-credit)
		sweep $w run
		table 'v = f("hypervisor.policy.name")' $(csvs $w run) >"$out/$w/table.tsv"
		plot $w "Xen: credit (3.3.0) vs credit2 (4.17), Dom0 included" run ;;
	machine-2s)
		sweep $w run
		# the Xeon alone past the Opteron's 10 VMs: 12, 16 (32 VCPUs on its
		# 32 cores) and 20
		xeon=../../models/profiles/machines/xeon-6226r-2s.xml
		sweep $w xeon-more --set "sweep.vary[0].values=$xeon" \
			--set 'sweep.vary[1].values=12 16 20'
		table 'v = f("machine.profile"); sub(/.*\//, "", v); sub(/\.xml$/, "", v)' \
			$(csvs $w run) $(csvs $w xeon-more) >"$out/$w/table.tsv"
		plot $w "Opteron (8 x 2 GHz, 4 nodes) vs 2 x 16-core Xeon (2.9 GHz, 2 nodes), KVM-75" run xeon-more ;;
	*)
		echo "run.sh: unknown what-if '$w'; expected some of: $all" >&2
		exit 2 ;;
	esac
	printf '\n== %s\n' "$w"
	cat "$out/$w/summary.txt"
done
