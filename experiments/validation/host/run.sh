#!/bin/sh
# run.sh: predict each committed mix from its threads' solo recordings and
# compare with the recording of the mix (docs/validation.md).
#
# usage: run.sh [OUT]     (default out/host-validation, from the project root)
#
# For each MIX of `mixes` with recordings/MIX/together.activity.csv:
#   hvsim run predict-MIX.xml -o OUT/MIX
#   hvsim compare recordings/MIX/together.activity.csv OUT/MIX
# which prints the table and writes OUT/MIX/compare.csv.  Each run takes
# well under a second.  Then the recorded values as measured points for
# calib.xml: hvsim compare --measured for each mix (hogs3's rows fit, the
# others' held out), concatenated into OUT/measured.csv (the committed
# measured.csv is a copy).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
hvsim=${HVSIM:-$root/hvsim}
out=${1:-out/host-validation}
mkdir -p "$out"
rm -f "$out/measured.csv.new"
for mix in $(sed -n 's/^\([A-Za-z0-9_-]*\):.*/\1/p' "$here/mixes"); do
	rec=$here/recordings/$mix/together.activity.csv
	[ -r "$rec" ] || { echo "run.sh: $mix: no recording ($rec), skipped" >&2; continue; }
	echo "== $mix"
	"$hvsim" run "$here/predict-$mix.xml" -o "$out/$mix" > /dev/null
	"$hvsim" compare "$rec" "$out/$mix"
	use=holdout
	[ "$mix" = hogs3 ] && use=fit
	"$hvsim" compare "$rec" "$out/$mix" --measured "$out/$mix/measured.csv" --mix "$mix" \
		--hypervisor linux-6.18 --use "$use" > /dev/null
	if [ ! -e "$out/measured.csv.new" ]; then
		cat "$out/$mix/measured.csv" > "$out/measured.csv.new"
	else
		grep -v '^#' "$out/$mix/measured.csv" | tail -n +2 >> "$out/measured.csv.new"
	fi
done
mv "$out/measured.csv.new" "$out/measured.csv"
echo "wrote $out/measured.csv"
