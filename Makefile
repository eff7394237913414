# ZeroMesh: the single entry point. `make help` lists the targets.
#
#   make demo   the main job: devices moving real messages (see README)
#   make test   everything a contributor must pass (what .ci/run runs)
#
# Each part of the tree adds its own targets in a fragment included below; this file holds only
# what ties them together. Everything a target needs (Debian packages, built binaries) it
# installs or builds itself, and caches outside the repository under $(ZEROMESH_CACHE).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

MVN ?= mvn -B -ntp
export ZEROMESH_CACHE ?= $(HOME)/.cache/zeromesh

# Debian packages the build and tests need; fragments append with +=.
DEBIAN_PACKAGES :=
# Targets `make test` runs before and after the Maven build; fragments append with +=.
TEST_PREREQS :=
TEST_AFTER :=

-include broker-image/broker.mk
-include e2e/local-cluster/cluster.mk
-include operator/operator.mk
-include operator/bench.mk
-include helm/helm.mk
-include e2e/e2e.mk

.PHONY: help deps build verify test demo demo-down fmt clean

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

deps: ## install the Debian packages the build and tests need (idempotent)
	@missing=""; for p in $(sort $(DEBIAN_PACKAGES)); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "Debian packages: all present"; fi

build: ## compile and package every module, no tests
	$(MVN) package -DskipTests

verify: deps $(TEST_PREREQS) ## unit and integration tests of every module, plus format checks
	$(MVN) verify

test: verify e2e $(TEST_AFTER) ## everything a contributor must pass: unit, integration (real API server), chart, e2e on a cluster

demo: deps broker-image operator-image ## the main job: a cluster, the operator, examples/, real messages through every pattern
	bash e2e/demo.sh

demo-down: ## remove what make demo installed (its namespace, the operator, the CRDs); the cluster stays
	bash e2e/demo.sh --down

fmt: ## reformat the Java sources (google-java-format)
	$(MVN) spotless:apply

clean: ## remove build output (caches under $(ZEROMESH_CACHE) stay)
	$(MVN) clean
