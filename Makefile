# hvsim — build, test, benchmark, install.
#
#   make            build ./hvsim
#   make check      every CUnit suite, then again under ASan + UBSan
#   make bench      event-queue and whole-engine benchmarks, paper reproduction times
#   make demo       run the shipped default scenario into out/default
#   make install    PREFIX=/usr/local DESTDIR= (binary, data, man page, completion, docs)
#   make dist       hvsim-VERSION.tar.gz; make distcheck builds and checks it alone
#
# Sources are found by wildcard: a new .c file in a folder of sim/ or in
# models/, traces/ or calibration/ joins the library; a new
# tests/test_*.c becomes a suite;
# a new tests/bench/bench_*.c becomes a benchmark.

# `make` alone builds `all`, whatever rule comes first (the prefix.flag
# dependency of profile.o below is one; it became the default goal)
.DEFAULT_GOAL := all

PREFIX  ?= /usr/local
DESTDIR ?=
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CC      ?= cc
PKGS    := gsl libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CU_CFLAGS  := $(shell pkg-config --cflags cunit 2>/dev/null)
CU_LIBS    := $(shell pkg-config --libs cunit 2>/dev/null || echo -lcunit)

WARN    := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifdef CI
WARN    += -Werror
endif
OPT     ?= -O2 -g
# Link-time optimisation of ./hvsim at -O3 (inlining across files: the
# queue into the scheduler, the multiplexing costs into the run segments;
# about 5% on the Fig. 3 scenario, outputs byte-identical).  The release
# objects are fat (machine code besides the GCC IR), so the suites and
# benchmarks link them as plain objects; LTO= builds without it.
LTO     ?= -flto=auto -ffat-lto-objects
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DHVSIM_VERSION='"$(VERSION)"' -I. $(PKG_CFLAGS) \
	    -DHVSIM_DATADIR='"$(PREFIX)/share/hvsim"' -DHVSIM_SRCDIR='"$(CURDIR)"'
CFLAGS  ?=
ALL_CFLAGS = $(WARN) $(OPT) $(CFLAGS)
# The warnings are the compiler's, per file (-Werror with CI=1); the
# link-time optimiser's inlining across files would add may-be-
# uninitialized guesses of its own, which are not errors of the code.
LTO_LINK = $(if $(LTO),$(OPT) $(CFLAGS) $(LTO) -O3 -Wno-maybe-uninitialized,$(ALL_CFLAGS))
# the suites and benchmarks link the fat objects' machine code
NO_LTO = $(if $(LTO),-fno-lto)
LDLIBS  += $(PKG_LIBS) -lm

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n'
endif

SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(filter-out sim/cmd/main.c,$(wildcard sim/*/*.c models/*.c traces/*.c calibration/*.c))
TEST_SRC := $(wildcard tests/test_*.c)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)

B := build
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/rel/%.o) $(B)/rel/gen/scenario_xsd.o

# Open MPI (docs/cluster.md): hvsim is built with the MPI backend
# (sim/engine/mpi/cluster_mpi.c in place of sim/engine/cluster.c) when
# pkg-config knows ompi or mpicc is on PATH; MPI=0 builds without it.  Only
# ./hvsim links MPI: the suites, the sanitizer build and the fuzzers do not.
MPI ?= $(shell { pkg-config --exists ompi 2>/dev/null || command -v mpicc >/dev/null 2>&1; } && echo 1 || echo 0)
ifeq ($(MPI),1)
MPI_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags ompi 2>/dev/null || mpicc --showme:compile))
MPI_LIBS   := $(shell pkg-config --libs ompi 2>/dev/null || mpicc --showme:link)
HV_OBJ     := $(filter-out $(B)/rel/sim/engine/cluster.o,$(LIB_OBJ)) $(B)/rel/mpi/cluster_mpi.o
else
MPI_LIBS   :=
HV_OBJ     := $(LIB_OBJ)
endif
# relink ./hvsim when MPI changes
$(shell mkdir -p $(B) && { [ "$$(cat $(B)/mpi.flag 2>/dev/null)" = "$(MPI)" ] || echo "$(MPI)" > $(B)/mpi.flag; })
# profile.c bakes in PREFIX's data folder (HVSIM_DATADIR): recompile it when
# PREFIX changes, or make; make install PREFIX=/opt/hvsim installs a
# binary that looks in /usr/local/share/hvsim
$(shell mkdir -p $(B) && { [ "$$(cat $(B)/prefix.flag 2>/dev/null)" = "$(PREFIX)" ] || echo "$(PREFIX)" > $(B)/prefix.flag; })
$(B)/rel/sim/scenario/profile.o $(B)/san/sim/scenario/profile.o: $(B)/prefix.flag
SLIB_OBJ  := $(LIB_SRC:%.c=$(B)/san/%.o) $(B)/san/gen/scenario_xsd.o
TESTS     := $(TEST_SRC:tests/%.c=$(B)/rel/tests/%)
STESTS    := $(TEST_SRC:tests/%.c=$(B)/san/tests/%)
BENCHES   := $(BENCH_SRC:tests/bench/%.c=$(B)/rel/bench/%)

.SECONDARY:
.PHONY: all check check-rel check-san bench demo install uninstall clean deps
all: hvsim hvsim.1 hvsim.bash

hvsim: $(B)/rel/sim/cmd/main.o $(HV_OBJ) $(B)/mpi.flag
	$(say) LINK $@
	$(Q)$(CC) $(LTO_LINK) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LDLIBS) $(MPI_LIBS)

$(B)/rel/mpi/%.o: sim/engine/mpi/%.c
	@mkdir -p $(@D)
	$(say) CC-MPI $<
	$(Q)$(CC) $(CPPFLAGS) $(MPI_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The man page and the bash completion come from the command table
# (sim/cmd/cmd.c), through the binary: they cannot disagree with it.
hvsim.1: hvsim
	$(say) GEN $@
	$(Q)./hvsim --man > $@.tmp && mv $@.tmp $@

hvsim.bash: hvsim
	$(say) GEN $@
	$(Q)./hvsim --completion > $@.tmp && mv $@.tmp $@

$(B)/rel/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LTO) -MMD -MP -c -o $@ $<

$(B)/san/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC-SAN $<
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(SAN) -O1 -MMD -MP -c -o $@ $<

# The XSD is compiled into the binary, so hvsim needs no data files at
# run time.
$(B)/gen/scenario_xsd.c: sim/scenario/scenario.xsd
	@mkdir -p $(@D)
	$(say) GEN $@
	$(Q){ echo '/* generated from sim/scenario/scenario.xsd by the Makefile */'; \
	  echo 'const unsigned char scn_xsd[] = {'; \
	  od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; \
	  echo 'const unsigned long scn_xsd_len = sizeof scn_xsd - 1;'; } > $@

$(B)/rel/gen/scenario_xsd.o: $(B)/gen/scenario_xsd.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/san/gen/scenario_xsd.o: $(B)/gen/scenario_xsd.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/rel/tests/test_%: $(B)/rel/tests/test_%.o $(B)/rel/tests/cu_main.o $(LIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(NO_LTO) -o $@ $^ $(LDLIBS) $(CU_LIBS)

$(B)/san/tests/test_%: $(B)/san/tests/test_%.o $(B)/san/tests/cu_main.o $(SLIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) $(CU_LIBS)

$(B)/san/hvsim: $(B)/san/sim/cmd/main.o $(SLIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(B)/rel/bench/bench_%: $(B)/rel/tests/bench/bench_%.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(NO_LTO) -o $@ $^ $(LDLIBS)

# make check: every part below (check-parts: the suites, the fuzz replay
# and smoke, fault injection, install, interruptions, grading, clusters),
# CHECK_JOBS at a time (default: the online CPUs; CHECK_JOBS=1 one after
# the other), the build too.  Each suite is a part of its own; a part's
# output comes out in one piece when it ends (--output-sync), so parts
# side by side never interleave.  Under make -j N the parts share N.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
check:
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(CHECK_JOBS)) --output-sync=target check-parts
	@echo "== make check: every part passed"

# The suites run from the project root (they read tests/data/ and
# models/profiles/); HVSIM names the binary that CLI tests execute.
# The fault injection's two shares (below), the longest parts, are listed
# first; make still starts whatever is ready, so they need not run first.
check-parts: check-faults-quick check-rel check-san

RUN_REL := $(TESTS:$(B)/rel/tests/%=suite-rel-%)
RUN_SAN := $(STESTS:$(B)/san/tests/%=suite-san-%)
.PHONY: check-parts $(RUN_REL) $(RUN_SAN)
$(RUN_REL): suite-rel-%: $(B)/rel/tests/% hvsim
	@echo "== $* (release build)"
	@HVSIM=./hvsim $<
$(RUN_SAN): suite-san-%: $(B)/san/tests/% $(B)/san/hvsim
	@echo "== $* under AddressSanitizer + UndefinedBehaviorSanitizer"
	@HVSIM=$(B)/san/hvsim HVSIM_SLOW=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $<

check-rel: $(RUN_REL)
	@echo "== all release suites passed"

check-san: $(RUN_SAN)
	@echo "== all sanitizer suites passed"

# The engine benchmarks, the whole model against the reference commit
# (tests/bench/whole-model-ratio.sh: REF=, REPS=), then the paper's reproduction in both modes
# (experiments/paper/run.sh; budgets: quick <= 60 s, full <= 10 min on 2
# cores).  BENCH_PAPER=0 skips the reproduction.  Then 2 MPI ranks
# against 1 and the manager's overhead per unit
# (tests/bench/cluster-ratio.sh; skipped without MPI; BENCH_CLUSTER=0).
BENCH_PAPER ?= 1
BENCH_CLUSTER ?= 1
bench: hvsim $(BENCHES)
	@set -e; for b in $(BENCHES); do $$b; done
	@sh tests/bench/whole-model-ratio.sh
	@if [ "$(BENCH_CLUSTER)" != 0 ]; then HVSIM=./hvsim HVSIM_MPI=$(MPI) sh tests/bench/cluster-ratio.sh; fi
	@if [ "$(BENCH_PAPER)" != 0 ]; then \
	  for m in quick full; do \
	    sh experiments/paper/run.sh --$$m out/bench-paper-$$m > /dev/null; \
	    echo "== paper reproduction, $$m mode (out/bench-paper-$$m/times.txt)"; \
	    cat out/bench-paper-$$m/times.txt; \
	  done; \
	fi

demo: hvsim
	./hvsim run experiments/default.xml -o out/default --force

deps:
	.ci/install-deps

# Installed data mirror the source tree, so the shipped scenarios' relative
# profile paths (../models/profiles/...) keep working from share/hvsim/.
SHARE = $(DESTDIR)$(PREFIX)/share/hvsim
install: hvsim hvsim.1 hvsim.bash
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/models/profiles/machines \
	  $(SHARE)/models/profiles/hypervisors
	install -m 755 hvsim $(DESTDIR)$(PREFIX)/bin/hvsim
	install -D -m 644 hvsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/hvsim.1
	install -D -m 644 hvsim.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hvsim
	install -m 755 models/profiles/machine-from-sysfs $(DESTDIR)$(PREFIX)/bin/hvsim-machine-from-sysfs
	install -m 644 models/profiles/machines/*.xml $(SHARE)/models/profiles/machines/
	install -m 644 models/profiles/hypervisors/*.xml $(SHARE)/models/profiles/hypervisors/
	# every shipped scenario with the traces and scripts it uses, in the
	# same tree, so the profile="../..." paths still resolve
	cd experiments && find . -type f \( -name '*.xml' -o -name '*.csv' -o -name '*.sh' -o -name '*.gp' \) | sort | \
	  while read -r f; do install -D -m 644 "$$f" "$(SHARE)/experiments/$$f" || exit 1; done
	# the calibration (its file, the fitted values and profiles) and the
	# measured points it reads
	cd calibration && find . -type f \( -name '*.xml' -o -name '*.csv' \) | sort | \
	  while read -r f; do install -D -m 644 "$$f" "$(SHARE)/calibration/$$f" || exit 1; done
	install -D -m 644 traces/data/paper.csv $(SHARE)/traces/data/paper.csv
	# the documentation: README, licence, every page of docs/
	install -d $(DESTDIR)$(PREFIX)/share/doc/hvsim/docs
	install -m 644 README.md LICENSE $(DESTDIR)$(PREFIX)/share/doc/hvsim/
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/hvsim/docs/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/hvsim $(DESTDIR)$(PREFIX)/bin/hvsim-machine-from-sysfs $(SHARE) \
	  $(DESTDIR)$(PREFIX)/share/man/man1/hvsim.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hvsim \
	  $(DESTDIR)$(PREFIX)/share/doc/hvsim

# make dist: hvsim-VERSION.tar.gz of every file git tracks (a checkout is
# needed), under hvsim-VERSION/; make distcheck unpacks it in a temporary
# folder and runs make check there, so the tarball builds and passes on
# its own.
DIST = hvsim-$(VERSION)
.PHONY: dist distcheck
dist:
	@git rev-parse --git-dir > /dev/null 2>&1 || { echo "make dist: needs a git checkout" >&2; exit 2; }
	git ls-files -z | sed -z 's|^|$(DIST)/|' > $(DIST).files
	rm -rf $(B)/dist && mkdir -p $(B)/dist && ln -s "$$(pwd)" $(B)/dist/$(DIST)
	cd $(B)/dist && tar -czhf ../../$(DIST).tar.gz --null -T ../../$(DIST).files
	rm -rf $(B)/dist $(DIST).files
	@echo "wrote $(DIST).tar.gz"
distcheck: dist
	d=$$(mktemp -d) && tar -xzf $(DIST).tar.gz -C $$d && $(MAKE) -C $$d/$(DIST) check && rm -rf $$d && \
	  echo "$(DIST).tar.gz builds and passes make check on its own"

clean:
	rm -rf $(B) hvsim hvsim.1 hvsim.bash out

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ------------------------------------------------------------- fuzzing ---
# `make fuzz`: one libFuzzer target per input reader (tests/fuzz/fuzz_*.c:
# a new file is a new target), built by clang under ASan + UBSan into
# build/fuzz/NAME, with seed corpora from the tree in build/fuzz/corpus/NAME/
# (tests/fuzz/seeds.sh).  `make fuzz-run FUZZ_TIME=600` runs every target
# for FUZZ_TIME seconds, one after the other, logs in build/fuzz/NAME.log;
# `make fuzz-smoke` (part of `make check`) a few seconds each, skipped with
# a message when there is no clang.  docs/testing-robustness.md.
FUZZ_CC     ?= clang
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES  := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS   := $(FUZZ_NAMES:%=$(B)/fuzz/%)
FUZZ_OBJ    := $(patsubst $(B)/rel/%,$(B)/fuzz/obj/%,$(LIB_OBJ))
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link
# every input: 10 s at most, 2 GiB, 64 KiB long
FUZZ_OPTS   ?= -timeout=10 -rss_limit_mb=2048 -max_len=65536
FUZZ_TIME   ?= 600
FUZZ_SMOKE  ?= 3
FUZZ_ENV    := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
HAVE_CLANG  := $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && echo 1)

.PHONY: fuzz fuzz-corpus fuzz-run fuzz-smoke
fuzz: $(FUZZ_BINS) fuzz-corpus

fuzz-corpus:
	$(Q)sh tests/fuzz/seeds.sh $(B)/fuzz/corpus

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(say) CC-FUZZ $<
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/fuzz/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(B)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(say) FUZZER $@
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -DHVSIM_SRCDIR='"$(CURDIR)"' $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	  -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# Each target from a copy of its seeds (libFuzzer adds what it finds to
# the first directory: build/fuzz/run/NAME), in fork mode so that a crash,
# leak, timeout or OOM is saved (build/fuzz/crash/NAME/) and fuzzing goes
# on; FUZZ_TARGETS picks some.  The last line of each log has the
# executions, cov, ft and the oom/timeout/crash counts.
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_RUN_OPTS ?= -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
fuzz-run: fuzz
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf $(B)/fuzz/run/$$t; mkdir -p $(B)/fuzz/run/$$t $(B)/fuzz/crash/$$t; \
	  cp $(B)/fuzz/corpus/$$t/* $(B)/fuzz/run/$$t/; \
	  echo "== fuzz $$t for $(FUZZ_TIME) s (log: $(B)/fuzz/$$t.log)"; \
	  $(FUZZ_ENV) $(B)/fuzz/$$t $(FUZZ_OPTS) $(FUZZ_RUN_OPTS) -max_total_time=$(FUZZ_TIME) \
	    -artifact_prefix=$(B)/fuzz/crash/$$t/ $(B)/fuzz/run/$$t > $(B)/fuzz/$$t.log 2>&1; \
	  grep -E '^#[0-9]+: cov:' $(B)/fuzz/$$t.log | tail -n 1; \
	  ls $(B)/fuzz/crash/$$t | sed 's/^/  found: /'; \
	done

ifeq ($(HAVE_CLANG),1)
fuzz-smoke: fuzz
	@echo "== fuzz smoke: each target $(FUZZ_SMOKE) s from its seeds"
	@set -e; for t in $(FUZZ_NAMES); do \
	  rm -rf $(B)/fuzz/smoke/$$t; mkdir -p $(B)/fuzz/smoke/$$t; \
	  $(FUZZ_ENV) $(B)/fuzz/$$t $(FUZZ_OPTS) -max_total_time=$(FUZZ_SMOKE) \
	    -artifact_prefix=$(B)/fuzz/smoke/$$t/ $(B)/fuzz/smoke/$$t $(B)/fuzz/corpus/$$t \
	    > $(B)/fuzz/smoke/$$t.log 2>&1 || { tail -n 40 $(B)/fuzz/smoke/$$t.log; \
	    echo "fuzz smoke: $$t failed (input in $(B)/fuzz/smoke/$$t/)"; exit 1; }; \
	  printf '  %-12s %s\n' $$t "$$(grep -E '^Done [0-9]+ runs' $(B)/fuzz/smoke/$$t.log | tail -n 1)"; \
	done
	@echo "== fuzz smoke passed"
else
fuzz-smoke:
	@echo "== fuzz smoke skipped: no $(FUZZ_CC) (install clang to build the libFuzzer targets; make fuzz)"
endif
# The targets without libFuzzer (tests/fuzz/replay.c), by gcc under ASan +
# UBSan: `make check` replays every seed and every input that once failed
# (tests/data/fuzz/NAME/), clang or not.
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(B)/san/fuzz-replay/%)

$(B)/san/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SLIB_OBJ)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(CPPFLAGS) -DHVSIM_SRCDIR='"$(CURDIR)"' $(ALL_CFLAGS) $(SAN) -O1 -o $@ \
	  tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(SLIB_OBJ) $(LDLIBS)

.PHONY: fuzz-replay
fuzz-replay: $(FUZZ_REPLAY) fuzz-corpus
	@echo "== fuzz targets: seeds and past failures replayed under ASan + UBSan"
	@set -e; for t in $(FUZZ_NAMES); do \
	  printf '  %-12s ' $$t; \
	  $(FUZZ_ENV) $(B)/san/fuzz-replay/$$t $(B)/fuzz/corpus/$$t; \
	done

check-parts: fuzz-replay fuzz-smoke

# ------------------------------------------------------ fault injection ---
# build/san/hvsim-faults: hvsim under ASan + UBSan with its allocations and
# output calls wrapped (tests/faults/faultwrap.c, -Wl,--wrap=...), so that
# the Nth one fails (HVSIM_FAULT=alloc:N or io:N).  tests/faults.sh runs a
# small `hvsim run` and a small sweep failing at every N (FAULTS_STEP=K:
# every Kth; make check uses FAULTS_CHECK_STEP) and checks the exit
# status, the message, the sanitizers and that no output is partial.
FAULT_WRAP := malloc calloc realloc strdup strndup getline fopen fdopen open write fflush fclose \
	fsync rename renameat2 mkdir _exit
FAULT_MAIN := $(patsubst %.c,$(B)/san/%.o,$(firstword $(wildcard sim/main.c sim/*/main.c)))
comma := ,
FAULTS_CHECK_STEP ?= 7

$(B)/san/hvsim-faults: $(FAULT_MAIN) $(B)/san/tests/faults/faultwrap.o $(SLIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) $(addprefix -Wl$(comma)--wrap=,$(FAULT_WRAP))

.PHONY: check-faults
check-faults: $(B)/san/hvsim-faults
	@HVSIM_FAULTS=$(B)/san/hvsim-faults FAULTS_STEP=$${FAULTS_STEP:-1} sh tests/faults.sh

# make check: in two shares side by side (FAULTS_SHARD), one process each
FAULT_SHARES := check-faults-quick-0 check-faults-quick-1
.PHONY: check-faults-quick $(FAULT_SHARES)
check-faults-quick: $(FAULT_SHARES)
$(FAULT_SHARES): check-faults-quick-%: $(B)/san/hvsim-faults
	@HVSIM_FAULTS=$(B)/san/hvsim-faults FAULTS_STEP=$(FAULTS_CHECK_STEP) FAULTS_SHARD=$*/2 sh tests/faults.sh

# ------------------------------------------------------------ install ---
# tests/install.sh: make, then make install PREFIX=... DESTDIR=... and make
# uninstall, in a copy of the tree; the installed binary looks in its
# PREFIX, has its data, man page and completion.
.PHONY: check-install
check-install:
	@sh tests/install.sh
check-parts: check-install

# --------------------------------------------------------- interruptions ---
# tests/interrupt-sweep.sh: a -j 2 sweep interrupted at random instants by
# SIGINT, SIGTERM or SIGKILL and resumed each time; the result must be the
# uninterrupted sweep's.  make check: INTERRUPTS (10) times; run it with
# 100 (its default) by hand.
INTERRUPTS ?= 10
.PHONY: check-interrupt
check-interrupt: hvsim
	@HVSIM=./hvsim sh tests/interrupt-sweep.sh $(INTERRUPTS)
check-parts: check-interrupt

# tests/grade-seeds.sh: experiments/paper/grade.sh grades seeds 1-3 of a
# cut-down P12 sweep alike with one worker and with two side by side,
# and a failed sweep fails the grading without a grades file.
.PHONY: check-grade
check-grade: hvsim
	@HVSIM=./hvsim sh tests/grade-seeds.sh
check-parts: check-grade

# ------------------------------------------------------------ clusters ---
# tests/cluster.sh: with 1, 2 and 3 MPI ranks, a sweep, a capacity search
# and a short calibration give -j 1's files; bad input fails alike; a
# killed worker rank then --resume gives the whole sweep.  Release build
# only (Open MPI's own allocations would fill the leak checker's report);
# skipped without mpirun or with MPI=0.
.PHONY: check-cluster
check-cluster: hvsim
	@HVSIM=./hvsim HVSIM_MPI=$(MPI) sh tests/cluster.sh
check-parts: check-cluster

# The same tests on hvsim built with MPI under ASan + UBSan (leaks not
# checked: Open MPI's own allocations would fill the report); by hand,
# not part of make check: make check-cluster-san.
ifeq ($(MPI),1)
.PHONY: check-cluster-san
$(B)/san/mpi/cluster_mpi.o: sim/engine/mpi/cluster_mpi.c
	@mkdir -p $(@D)
	$(say) CC-SAN $<
	$(Q)$(CC) $(CPPFLAGS) $(MPI_CFLAGS) $(ALL_CFLAGS) $(SAN) -O1 -MMD -MP -c -o $@ $<

$(B)/san/hvsim-mpi: $(B)/san/sim/cmd/main.o $(filter-out $(B)/san/sim/engine/cluster.o,$(SLIB_OBJ)) \
		$(B)/san/mpi/cluster_mpi.o
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) $(MPI_LIBS)

check-cluster-san: $(B)/san/hvsim-mpi
	@HVSIM=$(B)/san/hvsim-mpi HVSIM_MPI=1 ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/cluster.sh
endif
