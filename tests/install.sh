#!/bin/sh
# make install and make uninstall, in a copy of the tree (so that neither
# the build nor ./hvsim here change):
#
#   tests/install.sh            (make check-install; part of make check)
#
# The copy is built with the default PREFIX, as `make` is run before
# `make install`, then installed with another PREFIX into a DESTDIR: the
# installed binary must look for profiles in that PREFIX's data folder
# (it looked in /usr/local/share/hvsim: the Makefile did not rebuild
# what bakes PREFIX in), find the installed profiles there, have its man
# page and completion installed, and make uninstall must leave no file.
set -u
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-install.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0
bad() {
	echo "INSTALL $*" >&2
	fails=$((fails + 1))
}
PFX=/opt/hvsim-check
MK="make -s MPI=0 LTO= OPT=-O0"
mkdir "$W/src"
tar -cf - --exclude=./build --exclude=./out --exclude=./.git --exclude=./hvsim --exclude='./hvsim-*' . |
	tar -xf - -C "$W/src" || { echo "tests/install.sh: cannot copy the tree" >&2; exit 1; }
# `make` alone, as the README says (its default goal once became profile.o)
(cd "$W/src" && $MK > "$W/build.log" 2>&1 && [ -x hvsim ] && [ -f hvsim.1 ] && [ -f hvsim.bash ]) ||
	{ echo "tests/install.sh: make fails in the copy" >&2; tail -n 20 "$W/build.log" >&2; exit 1; }
(cd "$W/src" && $MK install DESTDIR="$W/inst" PREFIX="$PFX" > "$W/install.log" 2>&1) ||
	{ echo "tests/install.sh: make install fails" >&2; tail -n 20 "$W/install.log" >&2; exit 1; }
HV="$W/inst$PFX/bin/hvsim"
[ -x "$HV" ] || bad "no $PFX/bin/hvsim"
for f in share/man/man1/hvsim.1 share/bash-completion/completions/hvsim bin/hvsim-machine-from-sysfs \
	share/hvsim/experiments/default.xml share/hvsim/models/profiles/machines/opteron-8212-4s.xml \
	share/hvsim/calibration/profiles/xen-3.3.0-paper.xml share/doc/hvsim/README.md; do
	[ -f "$W/inst$PFX/$f" ] || bad "make install: no $PFX/$f"
done
# a profile found nowhere: the message lists where it looked
"$HV" validate "$W/src/experiments/default.xml" --set machine.profile=nosuch > /dev/null 2> "$W/err"
grep -q "$PFX/share/hvsim/models/profiles/machines/nosuch.xml" "$W/err" ||
	bad "the installed hvsim does not look in $PFX/share/hvsim: $(cat "$W/err")"
# the installed data alone (the copy of the tree out of the way), through
# HVSIM_PATH since DESTDIR is not PREFIX: the shipped scenario loads
mv "$W/src" "$W/away"
HVSIM_PATH="$W/inst$PFX/share/hvsim" "$HV" validate "$W/inst$PFX/share/hvsim/experiments/default.xml" \
	> /dev/null 2> "$W/err" || bad "the installed default.xml does not validate from the installed data: $(cat "$W/err")"
mv "$W/away" "$W/src"
# the installed man page and completion are the binary's
"$HV" --man | cmp -s - "$W/inst$PFX/share/man/man1/hvsim.1" || bad "the installed man page is not hvsim --man"
"$HV" --completion | cmp -s - "$W/inst$PFX/share/bash-completion/completions/hvsim" ||
	bad "the installed completion is not hvsim --completion"
if command -v groff > /dev/null 2>&1; then
	w=$(groff -man -Tutf8 -ww -z "$W/inst$PFX/share/man/man1/hvsim.1" 2>&1)
	[ -z "$w" ] || bad "groff warns about hvsim.1: $w"
fi
# make uninstall leaves no file
(cd "$W/src" && $MK uninstall DESTDIR="$W/inst" PREFIX="$PFX" > /dev/null 2>&1) || bad "make uninstall fails"
left=$(find "$W/inst" -type f | head -n 3)
[ -z "$left" ] || bad "make uninstall left files: $left"
if [ "$fails" -gt 0 ]; then
	echo "== install: $fails problems" >&2
	exit 1
fi
echo "== install: make install PREFIX=$PFX DESTDIR=... after make, then make uninstall: clean"
