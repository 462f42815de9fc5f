# Wharf: `make run` opens Wharf, `make test` runs every test suite.
PREFIX ?= /usr/local
SWIFT  ?= swift
VENV   := .build/venv
BIN    := .build/release/wharf

.PHONY: all build run test bench bench-console bench-wire install clean deps venv codegen codegen-check

all: build

# System packages (C libraries, test tools); installs them when run as root.
deps:
	@scripts/install-deps.sh

# Python venv for the interop checks against independent implementations (kafka-python).
venv: $(VENV)/.installed
$(VENV)/.installed: Tests/interop/requirements.txt
	@test -x $(VENV)/bin/python3 || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r Tests/interop/requirements.txt
	@touch $@

build: deps
	$(SWIFT) build -c release --product wharf

# The console on a demo cluster (topics, a producer and consumer groups moving); data
# under $XDG_DATA_HOME/wharf or ~/.local/share/wharf. `q` then `y` quits.
run: build
	$(BIN) console --demo

# Kafka message codecs generated from Apache Kafka's JSON specs (committed output).
SPECS := ../shared/kafka-message-specs
GENERATED := Sources/KafkaProtocol/Generated
codegen:
	$(SWIFT) run ProtocolCodegen $(SPECS) $(GENERATED)

# Fails when the committed generated code differs from what the specs produce.
codegen-check:
	$(SWIFT) build --product ProtocolCodegen
	.build/debug/ProtocolCodegen $(SPECS) $(GENERATED) --check

test: deps venv codegen-check
	$(SWIFT) build --build-tests
	WHARF_PYTHON=$(CURDIR)/$(VENV)/bin/python3 $(SWIFT) test --skip-build

# Throughput against limits measured in the same run on the same filesystem.
BENCH_VENV := .build/bench-venv
bench: build
	$(SWIFT) build -c release --product WharfBench
	.build/release/WharfBench $(BENCH_ARGS)
	$(MAKE) bench-console
	$(MAKE) bench-wire

# The console: render time per frame over 10,000 partitions, the idle CPU of the release
# `wharf console` in tmux, and the Messages tail's throughput against an in-process
# producer's (ConsoleBench WHARF [IDLE-SECONDS]).
bench-console: build
	$(SWIFT) build -c release --product ConsoleBench
	.build/release/ConsoleBench $(BIN)

# Through the wire: Wharf (on disk) and Tansu (in memory) side by side, kcat on the current
# librdkafka; WIRE_RECORDS (default 1M) x 100 B.
bench-wire: build $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python3 Benchmarks/wire/wire_bench.py $(BIN) bench-data/wire $(WIRE_RECORDS)
$(BENCH_VENV)/.installed: Benchmarks/wire/requirements.txt
	@test -x $(BENCH_VENV)/bin/python3 || python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check -r Benchmarks/wire/requirements.txt
	@touch $@

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/wharf
	install -D -m 0644 man/wharf.1 $(DESTDIR)$(PREFIX)/share/man/man1/wharf.1

clean:
	rm -rf .build
