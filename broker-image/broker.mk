# broker-image: the data-plane daemon (queue, forwarder, streamer, probe), its image and benchmark.
# Included by the root Makefile.

DEBIAN_PACKAGES += python3-zmq libzmq3-dev gcc pkg-config ca-certificates

BROKER_DIR := broker-image
BROKER_IMAGE_TAR := $(BROKER_DIR)/target/jib-image.tar

.PHONY: broker-image broker-image-check broker-base bench broker-demo

broker-base: ## shared JRE base image (jlink'd JDK 17 + libs, user 65532), cached under $(ZEROMESH_CACHE)/base
	$(BROKER_DIR)/image/build-base.sh

broker-image: ## broker image archive broker-image/target/jib-image.tar (zeromesh/broker), no registry or Docker
	@base=$$($(BROKER_DIR)/image/build-base.sh | tail -1); \
	echo "broker-image: base $$base"; \
	$(MVN) -pl $(BROKER_DIR) -DskipTests package jib:buildTar -Dzeromesh.base.image=tar://$$base
	@echo "broker-image: $(BROKER_IMAGE_TAR) ($$(du -h $(BROKER_IMAGE_TAR) | cut -f1))"

broker-image-check: broker-image ## import the broker archive into a private containerd and run it restricted (root)
	$(BROKER_DIR)/image/check-image.sh $(BROKER_IMAGE_TAR)

bench: deps ## msgs/s and queue latency of each device vs a direct pair and libzmq zmq_proxy (a few minutes)
	$(MVN) -q -pl $(BROKER_DIR) -DskipTests package exec:exec@bench -Dzeromesh.bench.args="$(BENCH_ARGS)"

broker-demo: ## run each device locally and push real traffic through it with the probe
	$(MVN) -q -pl $(BROKER_DIR) -DskipTests package dependency:build-classpath \
	  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
	$(BROKER_DIR)/image/demo.sh
