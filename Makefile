# Quick start on a fresh Debian 12 machine, as root:
#   make run     install missing build deps, build, run vpstune on this machine
#   make check   install test deps too, build, run every test
# Meson does the building; this Makefile only strings the steps together.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
MESON ?= meson

.PHONY: all deps deps-check build run check check-asan fuzz bench install clean

all: build

deps:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The main job: bare vpstune (plan with the default profile; read-only).
run: build
	./$(BUILD)/vpstune

check: deps-check $(BUILD)/build.ninja
	ninja -C $(BUILD)
	scripts/run-tests.sh $(BUILD)

$(ASAN_BUILD)/build.ninja:
	$(MESON) setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

check-asan: deps-check $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		scripts/run-tests.sh $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang $(MESON) setup $(FUZZ_BUILD) -Dfuzz=true -Dtests=false -Db_lundef=false -Dbuildtype=debug

# Runs every libFuzzer target for FUZZ_SECONDS each (CI: a short smoke run).
FUZZ_SECONDS ?= 10
fuzz: deps-check $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	scripts/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	bench/detect.sh

# Installs what is built, nothing else: no packages (that is make deps),
# DESTDIR honoured (make install DESTDIR=/tmp/stage).
install: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	$(MESON) install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
