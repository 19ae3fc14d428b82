# hvsim — build, test, benchmark, install.
#
#   make            build ./hvsim
#   make check      every CUnit suite, then again under ASan + UBSan
#   make bench      event-queue and whole-engine benchmarks, paper reproduction times
#   make demo       run the shipped default scenario into out/default
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new .c file in a folder of sim/ or in
# models/, traces/ or calibration/ joins the library; a new
# tests/test_*.c becomes a suite;
# a new tests/bench/bench_*.c becomes a benchmark.

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
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -DHVSIM_VERSION='"$(VERSION)"' -I. $(PKG_CFLAGS) \
	    -DHVSIM_DATADIR='"$(PREFIX)/share/hvsim"' -DHVSIM_SRCDIR='"$(CURDIR)"'
CFLAGS  ?=
ALL_CFLAGS = $(WARN) $(OPT) $(CFLAGS)
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
SLIB_OBJ  := $(LIB_SRC:%.c=$(B)/san/%.o) $(B)/san/gen/scenario_xsd.o
TESTS     := $(TEST_SRC:tests/%.c=$(B)/rel/tests/%)
STESTS    := $(TEST_SRC:tests/%.c=$(B)/san/tests/%)
BENCHES   := $(BENCH_SRC:tests/bench/%.c=$(B)/rel/bench/%)

.SECONDARY:
.PHONY: all check check-rel check-san bench demo install uninstall clean deps
all: hvsim hvsim.1 hvsim.bash

hvsim: $(B)/rel/sim/cmd/main.o $(LIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

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
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) $(CU_LIBS)

$(B)/san/tests/test_%: $(B)/san/tests/test_%.o $(B)/san/tests/cu_main.o $(SLIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS) $(CU_LIBS)

$(B)/san/hvsim: $(B)/san/sim/cmd/main.o $(SLIB_OBJ)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(B)/rel/bench/bench_%: $(B)/rel/tests/bench/bench_%.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The suites run from the project root (they read tests/data/ and
# models/profiles/); HVSIM names the binary that CLI tests execute.
check: check-rel check-san

check-rel: hvsim $(TESTS)
	@echo "== CUnit suites (release build)"
	@set -e; for t in $(TESTS); do HVSIM=./hvsim $$t; done
	@echo "== all release suites passed"

check-san: $(B)/san/hvsim $(STESTS)
	@echo "== CUnit suites under AddressSanitizer + UndefinedBehaviorSanitizer"
	@set -e; for t in $(STESTS); do \
	  HVSIM=$(B)/san/hvsim HVSIM_SLOW=0 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $$t; done
	@echo "== all sanitizer suites passed"

# The engine benchmarks, then the paper's reproduction in both modes
# (experiments/paper/run.sh; budgets: quick <= 60 s, full <= 10 min on 2
# cores).  BENCH_PAPER=0 skips the reproduction.
BENCH_PAPER ?= 1
bench: hvsim $(BENCHES)
	@set -e; for b in $(BENCHES); do $$b; done
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

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/hvsim $(DESTDIR)$(PREFIX)/bin/hvsim-machine-from-sysfs $(SHARE) \
	  $(DESTDIR)$(PREFIX)/share/man/man1/hvsim.1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions/hvsim

clean:
	rm -rf $(B) hvsim hvsim.1 hvsim.bash out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
