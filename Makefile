# Corral: the two commands a fresh machine needs are `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP := node_modules/.corral-installed

.PHONY: help install build demo test lint typecheck cycles unit ceph-packages ceph-start ceph-stop ceph-purge gen bench bench-tools clean

help:
	@echo "make demo   - install what is needed, build, and walk through Corral's services running for real on examples/"
	@echo "make test   - install what is needed (npm packages, Debian's Ceph) and run every test"

$(STAMP): package.json package-lock.json
	@bash scripts/check-node.sh
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP)

build: install
	npm run --silent build

# The walkthrough starts the local Ceph itself when none is running (and stops it again at the end);
# here we only make sure Debian's Ceph is installed. Without root or sudo that fails, and the demo
# still runs the webhook and extender parts, saying why it skipped the storage part.
demo: build
	@bash scripts/ceph-local.sh install || echo "make demo: could not install Debian's Ceph (needs root or sudo): the storage part will be skipped"
	node packages/cli/dist/main.js demo --policies examples

ceph-packages:
	bash scripts/ceph-local.sh install

ceph-start:
	bash scripts/ceph-local.sh start

ceph-stop:
	bash scripts/ceph-local.sh stop

ceph-purge:
	bash scripts/ceph-local.sh purge

lint: install
	npm run --silent lint

typecheck: install
	npm run --silent typecheck

cycles: install
	npm run --silent cycles

unit: build
	npx vitest run

REPORT := .test-report.json
# Suites that must have the cluster to themselves (*.alone.test.ts, see vitest.config.ts), run after.
ALONE_REPORT := .test-report-alone.json

# Tests that need Ceph share one local cluster (scripts/ceph-local.sh), started here and stopped after.
test: build ceph-packages lint typecheck cycles
	@rm -f $(REPORT) $(ALONE_REPORT)
	bash scripts/ceph-local.sh start || { bash scripts/ceph-local.sh stop; exit 1; }
	npx vitest run --reporter=default --reporter=json --outputFile.json=$(REPORT); status=$$?; \
	  CORRAL_TEST_ALONE=1 npx vitest run --reporter=default --reporter=json --outputFile.json=$(ALONE_REPORT) \
	    || status=1; \
	  node scripts/test-summary.mjs $(REPORT) $(ALONE_REPORT) || status=1; \
	  bash scripts/ceph-local.sh stop || status=1; exit $$status

gen: install
	npm run --silent gen

# The benches' clients: the admission bench's load generator (h2load, Debian's nghttp2-client) and
# the extender bench's timed client (curl).
bench-tools:
	@{ command -v h2load && command -v curl; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then AS_ROOT=; else AS_ROOT=sudo; fi; \
	  $$AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q && \
	  $$AS_ROOT env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q nghttp2-client curl; }

bench: build ceph-start bench-tools
	NODE_OPTIONS=--expose-gc npx tsx bench/snapshot.bench.ts
	NODE_OPTIONS=--expose-gc npx tsx --conditions corral-source bench/extender.bench.ts
	npx tsx --conditions corral-source bench/admission.bench.ts
	npx tsx --conditions corral-source bench/admission-paired.bench.ts
	npx tsx --conditions corral-source bench/csi.bench.ts

clean:
	rm -rf node_modules packages/*/dist plugins/*/dist
