#!/bin/sh
# The ablation table: every Fig. 3 and Fig. 4 curve, and every shape
# statement of shapes.csv on them, with one cause of lost capacity removed at a
# time (the counterfactual knobs of <ideal remove="...">, docs/scenarios.md
# and docs/explain.md), against the model as it is.
#
#   experiments/paper/ablate.sh [--quick] [-j N] [--seed S] [--causes "a b"] [OUTDIR]
#
# OUTDIR/base and OUTDIR/CAUSE are experiments/paper/grade.sh directories
# (one seed; a complete sweep is not run again; the Fig. 3 and Fig. 4
# sweeps only: vcpus.xml varies <ideal remove> itself).  Then:
#   OUTDIR/ablation-capacity.csv   cause,figure,hypervisor,vcpus,vms,
#                                  cumulative,ci_low,ci_high,base,delta
#   OUTDIR/ablation-statements.csv cause,id,pass,hvsim,base_pass,base_hvsim
#   OUTDIR/ablation.txt            both as tables: a curve's capacity at
#                                  each VM count per cause, and each
#                                  statement's value (pass/FAIL) per cause.
# Causes by default: switch numa lhp paging emulation emu-wait pagecache
# overcommit (nic and disk changed no capacity at the plateaus' counterfactual
# splits; --causes "nic disk" runs those), then two mechanisms switched off
# (the fitted values kept, no refit): no-ioreq-wait (Xen's VCPU goes on
# while qemu-dm emulates: --set hypervisor.io.ioreq-wait=false) and
# no-timeslice (the guest runs each job to its end: --set
# vm[web].guest.timeslice=0s).  Full mode takes about 5 minutes per cause
# on 2 cores with nothing else running; --quick about 1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
causes="switch numa lhp paging emulation emu-wait pagecache overcommit no-ioreq-wait no-timeslice"
seed=1
pass=""
out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) pass="$pass --quick" ;;
	-j) shift; pass="$pass -j $1" ;;
	--seed) shift; seed=$1 ;;
	--causes) shift; causes=$1 ;;
	-h|--help) sed -n '2,/^[^#]/{/^#/p;}' "$0"; exit 0 ;;
	-*) echo "ablate.sh: unknown option $1" >&2; exit 2 ;;
	*) out=$1 ;;
	esac
	shift
done
[ -n "$out" ] || out=out/ablate
mkdir -p "$out"
LC_ALL=C
FIGS="fig3 fig4"
export LC_ALL FIGS
for c in base $causes; do
	case $c in
	base) set -- ;;
	no-ioreq-wait) set -- --set hypervisor.io.ioreq-wait=false ;;
	no-timeslice) set -- --set 'vm[web].guest.timeslice=0s' ;;
	*) set -- --set "ideal.remove=$c" ;;
	esac
	echo "ablate.sh: $c" >&2
	# shellcheck disable=SC2086
	"$here/grade.sh" $pass --seeds "$seed" "$@" "$out/$c" > "$out/$c.log" 2>&1 ||
		{ echo "ablate.sh: $c failed, see $out/$c.log" >&2; exit 1; }
done

# capacity of every curve point, per cause
echo "cause,figure,hypervisor,vcpus,vms,cumulative,ci_low,ci_high,base,delta" > "$out/ablation-capacity.csv.tmp"
for c in base $causes; do
	for f in $FIGS; do
		awk -F, -v c="$c" -v f="$f" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ printf "%s,%s,%s,%s,%s,%s,%s,%s\n", c, f, $col["hypervisor"], $col["vcpus_per_vm"],
			$col["vms"], $col["cumulative_sessions"], $col["ci_low"], $col["ci_high"] }' \
			"$out/$c/seed$seed/$f/sweep.csv"
	done
done | awk -F, '
{ key = $2 "," $3 "," $4 "," $5; row[NR] = $0; k[NR] = key; if ($1 == "base") base[key] = $6 }
END {
	for (i = 1; i <= NR; i++) {
		b = (k[i] in base) ? base[k[i]] : ""
		split(row[i], f, ",")
		d = (b != "" && f[6] != "") ? sprintf("%.1f", f[6] - b) : ""
		printf "%s,%s,%s\n", row[i], b, d
	}
}' >> "$out/ablation-capacity.csv.tmp"
mv "$out/ablation-capacity.csv.tmp" "$out/ablation-capacity.csv"

# every statement, per cause
echo "cause,id,pass,hvsim,base_pass,base_hvsim" > "$out/ablation-statements.csv.tmp"
for c in base $causes; do
	tail -n +2 "$out/$c/grades.csv" | awk -F, -v c="$c" '{ print c "," $2 "," $6 "," $7 }'
done | awk -F, '
{ row[NR] = $0; id[NR] = $2; if ($1 == "base") { bp[$2] = $3; bv[$2] = $4 } }
END { for (i = 1; i <= NR; i++) printf "%s,%s,%s\n", row[i], bp[id[i]], bv[id[i]] }' \
	>> "$out/ablation-statements.csv.tmp"
mv "$out/ablation-statements.csv.tmp" "$out/ablation-statements.csv"

# the tables
{
	echo "Capacity (cumulative sessions) with one cause removed; seed $seed."
	echo "A row per cause; the change from the base model in brackets."
	awk -F, '
	NR == 1 { next }
	{
		curve = $2 " " $3 " " $4 " VCPU"
		if (!(curve in seen)) { seen[curve] = 1; order[++nc] = curve }
		if (!($1 in cs)) { cs[$1] = 1; corder[++ncause] = $1 }
		if (!((curve, $5) in vs)) { vs[curve, $5] = 1; nv[curve]++; vlist[curve, nv[curve]] = $5 }
		v = ($6 == "" ? "-" : sprintf("%.0f", $6))
		if ($1 != "base" && $10 != "") v = v sprintf(" (%+.0f)", $10)
		cell[curve, $1, $5] = v
	}
	END {
		for (i = 1; i <= nc; i++) {
			cv = order[i]
			printf "\n%s\n%-11s", cv, "cause \\ VMs"
			for (j = 1; j <= nv[cv]; j++) printf " %13s", vlist[cv, j]
			printf "\n"
			for (k = 1; k <= ncause; k++) {
				printf "%-11s", corder[k]
				for (j = 1; j <= nv[cv]; j++) {
					x = cell[cv, corder[k], vlist[cv, j]]
					printf " %13s", x == "" ? "." : x
				}
				printf "\n"
			}
		}
	}' "$out/ablation-capacity.csv"
	echo
	echo "Statements (shapes.csv): hvsim's value with each cause removed, pass (P) or FAIL (F)."
	awk -F, '
	NR == 1 { next }
	{
		if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
		if (!($1 in cs)) { cs[$1] = 1; corder[++nc] = $1 }
		p = ($3 == "1" ? "P" : $3 == "0" ? "F" : "-")
		v = ($4 == "" ? "-" : sprintf("%.4g", $4))
		cell[$2, $1] = v " " p
	}
	END {
		printf "%-16s", "statement"
		for (k = 1; k <= nc; k++) printf " %11s", corder[k]
		printf "\n"
		for (i = 1; i <= n; i++) {
			printf "%-16s", order[i]
			for (k = 1; k <= nc; k++) printf " %11s", cell[order[i], corder[k]]
			printf "\n"
		}
	}' "$out/ablation-statements.csv"
} > "$out/ablation.txt.tmp"
mv "$out/ablation.txt.tmp" "$out/ablation.txt"
cat "$out/ablation.txt"
