# broker-image: the data-plane daemon (queue, forwarder, streamer, probe), its image and benchmark.
# Included by the root Makefile.

DEBIAN_PACKAGES += python3-zmq libzmq3-dev gcc pkg-config ca-certificates

BROKER_DIR := broker-image
BROKER_IMAGE_TAR := $(BROKER_DIR)/target/jib-image.tar
# The full reference of the image in the archive (zeromesh/broker:<unique tag>), which the e2e
# suite reads to run exactly this build.
BROKER_IMAGE_REF := $(BROKER_DIR)/target/jib-image.ref

# The version of the project (the parent pom's), the plain tag every image also carries.
ZEROMESH_VERSION := $(shell sed -n '/<artifactId>zeromesh-parent<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q;}' pom.xml)
# A tag unique to the sources an image is built from, for the broker and operator images alike:
# <version>-<commit>, plus -dirty-<hash of the uncommitted changes and untracked files> when the
# tree differs from the commit. A cluster that holds an image of another build cannot pass for
# this one (e2e/README.md). Computed once per make run and exported to the image scripts.
ifeq ($(origin ZEROMESH_IMAGE_TAG),undefined)
ZEROMESH_IMAGE_TAG := $(shell \
  commit=$$(git rev-parse --short=12 HEAD 2>/dev/null) || commit=nogit; \
  if [ "$$commit" != nogit ] && [ -n "$$(git status --porcelain --untracked-files=normal 2>/dev/null)" ]; then \
    dirty=$$( { git diff HEAD --binary; git ls-files --others --exclude-standard -z | xargs -0 -r sha256sum; } \
      | sha256sum | cut -c1-10); \
    echo "$(ZEROMESH_VERSION)-$$commit-dirty-$$dirty"; \
  else echo "$(ZEROMESH_VERSION)-$$commit"; fi)
endif
export ZEROMESH_IMAGE_TAG ZEROMESH_VERSION

.PHONY: broker-image broker-image-check broker-base bench broker-demo

broker-base: ## shared JRE base image (jlink'd JDK 17 + libs, user 65532), cached under $(ZEROMESH_CACHE)/base
	$(BROKER_DIR)/image/build-base.sh

broker-image: ## broker image archive broker-image/target/jib-image.tar (zeromesh/broker:<unique tag>, also :<version>), no registry or Docker
	@base=$$($(BROKER_DIR)/image/build-base.sh | tail -1); \
	echo "broker-image: base $$base"; \
	rm -f $(BROKER_IMAGE_REF); \
	$(MVN) -pl $(BROKER_DIR) -DskipTests package jib:buildTar -Dzeromesh.base.image=tar://$$base \
	  -Dzeromesh.broker.image=zeromesh/broker:$(ZEROMESH_IMAGE_TAG) -Djib.to.tags=$(ZEROMESH_VERSION)
	@ref=zeromesh/broker:$(ZEROMESH_IMAGE_TAG); \
	tar -xOf $(BROKER_IMAGE_TAR) manifest.json | grep -q "\"$$ref\"" \
	  || { echo "broker-image: $(BROKER_IMAGE_TAR) does not name $$ref" >&2; exit 1; }; \
	echo "$$ref" > $(BROKER_IMAGE_REF); \
	echo "broker-image: $(BROKER_IMAGE_TAR) ($$(du -h $(BROKER_IMAGE_TAR) | cut -f1)), $$ref (in $(BROKER_IMAGE_REF))"

broker-image-check: broker-image ## import the broker archive into a private containerd and run it restricted (root)
	$(BROKER_DIR)/image/check-image.sh $(BROKER_IMAGE_TAR)

bench: deps ## zmtp devices vs libzmq zmq_proxy vs direct: msgs/s, CPU/msg, RSS, round trips, 1,000-peer RSS, verdicts (~10 min)
	$(MVN) -q -pl $(BROKER_DIR) -DskipTests package exec:exec@bench -Dzeromesh.bench.args="$(BENCH_ARGS)"

broker-demo: ## run each device locally and push real traffic through it with the probe
	$(MVN) -q -pl $(BROKER_DIR) -DskipTests package dependency:build-classpath \
	  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
	$(BROKER_DIR)/image/demo.sh
