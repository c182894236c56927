# Thin front for CMake. The two commands a new user needs: `make run` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
PORT       ?= 6379
SERVER      = $(BUILD)/lrukv-server

.PHONY: all build run test unit compat clients asan asan-test bench bench-persist bench-proxy bench-watchers soak deps clean format fuzz

all: build

deps:
	@tools/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Build, then serve on 127.0.0.1:$(PORT) in the foreground, logging to stderr.
run: build
	$(SERVER) --port $(PORT)

# Every test: unit + integration, differential against redis-server, real clients, then the
# unit and integration tests once more under ASan+UBSan.
test: build
	tools/run-tests $(BUILD) $(ASAN_BUILD)

unit: build
	cd $(BUILD) && ctest --output-on-failure

compat: build
	redis-compat-tests/run --lrukv $(SERVER)

clients: build
	tests/clients/run $(SERVER)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLRUKV_SANITIZE=ON

asan: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

asan-test: asan
	cd $(ASAN_BUILD) && ctest --output-on-failure

# Everything issue 3 measures: throughput and latency, memory, instructions, scenarios (~35 min).
bench: build
	tools/bench --lrukv $(SERVER) --instructions --scenarios --out-dir build/bench --out build/bench/bench.md

# Issue 4's persistence figures against Redis's RDB: SAVE, file size, load, peak RSS, BGSAVE
# pause (~5 min).
bench-persist: build
	tools/bench-persist --lrukv $(SERVER) --out $(BUILD)/bench-persist.md

# Issue 7's figures: 3 lrukv nodes behind twemproxy (nutcracker) against one node directly,
# GET and SET at 50 clients -P 1 / -P 16 and 1 client, 5 rounds (~4 min on a quiet machine).
bench-proxy: build
	tools/bench-proxy --lrukv $(SERVER) --out $(BUILD)/bench-proxy.md

# Issue 5's watcher figures: a MONITOR and a subscriber that never read under a full
# redis-benchmark load, the other clients' p99 against the same run without them (~10 min).
bench-watchers: build
	tools/bench-watchers --lrukv $(SERVER) --out $(BUILD)/bench-watchers.md

# Issue 6's soak: SOAK_DURATION of mixed load with eviction, expiry, BGSAVEs, a MONITOR and
# subscribers attached, then a restart from the last dump; fails on any error, a lost checked key
# or RSS growth past the data's (tools/soak --help). Takes SOAK_DURATION + about a minute.
SOAK_DURATION ?= 30m
soak: build
	tools/soak --server $(SERVER) --duration $(SOAK_DURATION) --out $(BUILD)/soak.md

# libFuzzer targets of tests/fuzz (clang, ASan+UBSan, into build-fuzz/): each runs over its
# seed corpus for FUZZ_SECONDS and the build fails on any crash (tools/fuzz; README "Fuzzing").
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	tools/fuzz --build-dir $(FUZZ_BUILD) --seconds $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
