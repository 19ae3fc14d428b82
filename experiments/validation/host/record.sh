#!/bin/sh
# record.sh: record the mixes of host threads with perf sched, each thread
# alone and each mix together, and import them (docs/validation.md).
#
# usage: record.sh [-d SECONDS] [-o DIR] [-m MIXES] [-i] [MIX...]
#
#   -d SECONDS  how long each recording runs hostmix (default 2)
#   -m MIXES    the mixes file (default: `mixes` next to this script)
#   -i          import only: remake DIR/MIX/solo-T.model.csv from the
#               recorded DIR/MIX/solo-T.txt (after a change to the importer)
#   -o DIR      where the recordings go (default recordings/ next to this
#               script); each mix in DIR/MIX/
#   MIX...      mixes of the file `mixes` (default: all of them)
#
# For each mix, for each of its threads T: `perf sched record` of hostmix
# running T alone -> DIR/MIX/solo-T.txt (perf script, the scheduler events
# that name hostmix's threads, blanks squeezed: the importer finds fields
# by their keys), DIR/MIX/solo-T.threads.txt (hostmix's report: tid,
# nice, cpus),
# imported as the thread model DIR/MIX/solo-T.model.csv (hvsim import
# perf-sched --model --threads T --affinity ...).  Then all of the mix's
# threads together -> the activity trace DIR/MIX/together.activity.csv
# (--repair-idle) of every thread, imported from the whole text (the
# other threads show what else ran; the text itself is not kept).  The commands run
# are appended to DIR/MIX/commands.
#
# The recording machine may be shared (it was: other tenants' builds and
# tests): perf and hostmix run in a session of their own, whose autogroup
# (CONFIG_SCHED_AUTOGROUP; /proc/PID/autogroup) gets nice AUTOGROUP_NICE
# (default -20: weight 88761 against 1024 for every other session), so
# that other sessions' threads get about 1% of a CPU while the mix runs.
# Inside that group the mix's threads meet a flat EEVDF run queue, as in
# the model; AUTOGROUP_NICE= (empty) records without it.  Also, each
# recording waits for a quiet machine first (at most QUIET_PCT,
# default 5, per cent of the CPUs busy in each of QUIET_SECS, default 3,
# seconds in a row; up to QUIET_WAIT, default 600, seconds; then it
# records anyway, with a warning): the recordings are meant to hold the
# mix's threads and little else.
# Needs root (or kernel.perf_event_paranoid <= 1), perf, cc; HVSIM names
# the hvsim binary (default: the one at the project root).
set -eu
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
hvsim=${HVSIM:-$root/hvsim}
dur=2
out=$here/recordings
mixes=$here/mixes
import_only=0
QUIET_PCT=${QUIET_PCT:-5}
QUIET_WAIT=${QUIET_WAIT:-600}
QUIET_SECS=${QUIET_SECS:-3}
AUTOGROUP_NICE=${AUTOGROUP_NICE--20}

die() { printf 'record.sh: %s\n' "$*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	-d) [ $# -ge 2 ] || die "-d needs seconds"; dur=$2; shift 2 ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift 2 ;;
	-m) [ $# -ge 2 ] || die "-m needs a file"; mixes=$2; shift 2 ;;
	-i) import_only=1; shift ;;
	-h|--help) sed -n '2,/^[^#]/{s/^# \{0,1\}//p;}' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ "$import_only" = 1 ] || command -v perf >/dev/null 2>&1 || die "perf not found"
[ -x "$hvsim" ] || die "$hvsim: not found (make, or set HVSIM)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cc -std=c11 -O2 -pthread -o "$tmp/hostmix" "$here/hostmix.c" || die "cannot build hostmix"

# Per cent of the CPUs busy over one second (/proc/stat: all but idle and iowait).
busy() {
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	printf '%s\n%s\n' "$a" "$b" | awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i; idle = $5 + $6;
		if (NR == 1) { t0 = t; i0 = idle } else printf "%d\n", 100 * (1 - (idle - i0) / (t - t0)) }'
}

wait_quiet() {
	waited=0 calm=0
	while :; do
		b=$(busy)
		if [ "$b" -le "$QUIET_PCT" ]; then
			calm=$((calm + 1))
			[ "$calm" -ge "$QUIET_SECS" ] && return 0
		else
			calm=0
		fi
		waited=$((waited + 1))
		if [ "$waited" -ge "$QUIET_WAIT" ]; then
			echo "record.sh: warning: the machine is still ${b}% busy; recording anyway" >&2
			return 0
		fi
	done
}

# record DIR NAME SPEC...: perf sched record of hostmix running SPEC...
record() {
	d=$1 name=$2
	shift 2
	wait_quiet
	if [ -n "$AUTOGROUP_NICE" ]; then
		echo "setsid -w sh -c 'echo $AUTOGROUP_NICE > /proc/self/autogroup; exec perf sched record -o perf.data -- hostmix -d $dur $*'" >> "$d/commands"
		setsid -w sh -c 'n=$1; shift; echo "$n" > /proc/self/autogroup && exec "$@"' boost "$AUTOGROUP_NICE" \
			perf sched record -o "$tmp/perf.data" -- "$tmp/hostmix" -d "$dur" "$@" > "$d/$name.threads.txt" 2> "$tmp/perf.err" ||
			{ cat "$tmp/perf.err" >&2; die "perf sched record failed"; }
	else
		echo "perf sched record -o perf.data -- hostmix -d $dur $*" >> "$d/commands"
		perf sched record -o "$tmp/perf.data" -- "$tmp/hostmix" -d "$dur" "$@" > "$d/$name.threads.txt" 2> "$tmp/perf.err" ||
			{ cat "$tmp/perf.err" >&2; die "perf sched record failed"; }
	fi
	echo "perf script -i perf.data | grep -E 'sched:sched_(switch|waking|wakeup|wakeup_new|stat_runtime):' > $name.full.txt" >> "$d/commands"
	perf script -i "$tmp/perf.data" 2> /dev/null |
		grep -E 'sched:sched_(switch|waking|wakeup|wakeup_new|stat_runtime):' > "$tmp/$name.full.txt" || true
	[ -s "$tmp/$name.full.txt" ] || die "$name: perf script gave no scheduler events"
	[ "$name" = together ] && return 0
	# the lines that name the mix's threads (by tid, from hostmix's report):
	# what their models need, a small file to commit; blanks squeezed
	tids=$(awk '{ printf "%s ", $1 }' "$d/$name.threads.txt")
	echo "keep the lines naming tids $tids(header TID, pid=, prev_pid=, next_pid=), blanks squeezed > $name.txt" >> "$d/commands"
	awk -v tids="$tids" 'BEGIN { n = split(tids, t, " "); for (i = 1; i <= n; i++) want[t[i]] = 1 }
		{ keep = 0
		  for (i = 1; i <= NF && !keep; i++) {
			f = $i
			if (f ~ /^\[[0-9]+\]$/ && want[$(i - 1)]) keep = 1
			if (f ~ /pid=[0-9]+$/) { sub(/.*pid=/, "", f); if (want[f]) keep = 1 }
		  }
		  if (keep) { sub(/^[ \t]+/, ""); gsub(/[ \t]+/, " "); print } }' "$tmp/$name.full.txt" > "$d/$name.txt"
}

[ -r "$mixes" ] || die "$mixes: cannot read"
[ $# -gt 0 ] || set -- $(sed -n 's/^\([A-Za-z0-9_-]*\):.*/\1/p' "$mixes")
# import_model DIR T: solo-T.txt -> solo-T.model.csv (-i replaces the one there: --force)
import_model() {
	"$hvsim" import perf-sched "$1/solo-$2.txt" --model --threads "$2" --affinity "$1/solo-$2.affinity" \
		-o "$1/solo-$2.model.csv" --force 2> "$tmp/import.err" || { cat "$tmp/import.err" >&2; die "import failed"; }
	tail -1 "$tmp/import.err"
}

if [ "$import_only" = 1 ]; then
	for mix in "$@"; do
		for f in "$out/$mix"/solo-*.txt; do
			case $f in *.threads.txt) continue ;; esac
			t=${f##*/solo-}
			import_model "$out/$mix" "${t%.txt}"
		done
	done
	exit 0
fi

mkdir -p "$out"
{
	echo "uname -r: $(uname -r)"
	echo "CPUs: $(nproc)"
	echo "perf: $(perf --version)"
	[ -r /proc/config.gz ] && zcat /proc/config.gz | grep -E '^CONFIG_(HZ|HZ_[0-9]+|NO_HZ_IDLE|PREEMPT_DYNAMIC|SCHED_AUTOGROUP)=' || true
	echo "sched_autogroup_enabled: $(cat /proc/sys/kernel/sched_autogroup_enabled 2> /dev/null || echo ?)"
} > "$out/machine.txt"
"$root/models/profiles/machine-from-sysfs" -o "$out/machine.xml" || die "machine-from-sysfs failed"

for mix in "$@"; do
	specs=$(sed -n "s/^$mix:[[:space:]]*//p" "$mixes")
	[ -n "$specs" ] || die "no mix '$mix' in $mixes"
	d=$out/$mix
	rm -rf "$d"
	mkdir -p "$d"
	echo "# $mix: $specs (recorded $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -r), $(nproc) CPUs)" > "$d/commands"
	for spec in $specs; do
		t=${spec%%:*}
		record "$d" "solo-$t" "$spec"
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^cpus=/ && $i != "cpus=all") print $1, substr($i, 6) }' \
			"$d/solo-$t.threads.txt" > "$d/solo-$t.affinity"
		echo "hvsim import perf-sched solo-$t.txt --model --threads $t --affinity solo-$t.affinity -o solo-$t.model.csv" >> "$d/commands"
		import_model "$d" "$t"
	done
	# shellcheck disable=SC2086
	record "$d" together $specs
	# every thread (the others show the background), from the full text
	echo "hvsim import perf-sched together.full.txt --repair-idle -o together.activity.csv" >> "$d/commands"
	"$hvsim" import perf-sched "$tmp/together.full.txt" --repair-idle -o "$d/together.activity.csv" 2> "$tmp/import.err" ||
		{ cat "$tmp/import.err" >&2; die "import failed"; }
	tail -2 "$tmp/import.err"
	echo "$mix: recorded into $d"
done
