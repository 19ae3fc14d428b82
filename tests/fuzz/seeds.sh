#!/bin/sh
# Seed corpora of the fuzz targets: every file of the tree that is an
# input of the target's kind, good or bad, copied into OUT/NAME/.
#   tests/fuzz/seeds.sh build/fuzz/corpus
# CSV files are told apart by their header line.  Run from the project root.
set -eu
out=${1:?usage: seeds.sh OUTDIR}
for t in scenario calib measured requests activity values perf_sched apache_log; do
	rm -rf "$out/$t"
	mkdir -p "$out/$t"
done
put() {   # put TARGET FILE...
	t=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		cp "$f" "$out/$t/$(echo "$f" | tr '/' '_')"
	done
}
header() {   # the first line that is not a comment
	grep -v '^#' "$1" 2>/dev/null | head -n 1 | tr -d '\r'
}
# XML: calibration files by their root, everything else is a scenario or
# a profile (hvsim validate takes both)
for f in $(find tests/data experiments models calibration -name '*.xml' -o -name '*.inc' | sort); do
	if grep -q '<calibration' "$f"; then
		put calib "$f"
	else
		put scenario "$f"
	fi
done
for f in $(find tests/data experiments traces calibration -name '*.csv' | sort); do
	case $(header "$f") in
	id,use,benchmark,*) put measured "$f" ;;
	time_s,method,url,*) put requests "$f" ;;
	thread,pid,start_s,*) put activity "$f" ;;
	stage,name,hypervisor,*) put values "$f" ;;
	esac
done
put perf_sched tests/data/import/perf_sched_*.txt
put apache_log tests/data/import/*.log
# a few bad --values files (the shipped fit.csv is the good one)
v=calibration/paper.fit.csv
head -n 3 "$v" > "$out/values/short.csv"
sed '2s/,[^,]*,[^,]*,[^,]*,[^,]*$/,x,1,2,3/' "$v" > "$out/values/bad-value.csv"
printf 'stage,name\n' > "$out/values/bad-header.csv"
sed '3s/^[^,]*,[^,]*,/native,no-such-param,/' "$v" > "$out/values/unknown-name.csv"
# hand-written seeds of kinds the tree has few of, and the inputs that
# once failed (tests/data/fuzz/NAME/, replayed by make check)
for d in tests/fuzz/seeds/*/ tests/data/fuzz/*/; do
	t=$(basename "$d")
	cp "$d"* "$out/$t/"
done
for t in scenario calib measured requests activity values perf_sched apache_log; do
	n=$(ls "$out/$t" | wc -l)
	[ "$n" -gt 0 ] || { echo "seeds.sh: no seed for $t" >&2; exit 1; }
done
