# Local single-node Kubernetes 1.37.2 built from Go modules with the machine's Go, plus Debian's
# runc, iptables and dnsmasq (e2e/local-cluster/README.md): no Docker, no registry. Binaries and
# state are cached under $(ZEROMESH_CACHE).

LOCAL_CLUSTER_DIR := e2e/local-cluster
# Image archives cluster-load-images imports. The default, the broker and operator images, skips
# an archive not built yet; archives named on the command line or in the environment must exist.
CLUSTER_IMAGES ?= broker-image/target/jib-image.tar operator/target/jib-image.tar

DEBIAN_PACKAGES += gcc libc6-dev runc iptables conntrack dnsmasq-base busybox-static python3 openssl curl iproute2
# The operator's integration tests (kube-api-test) need the API server binaries before mvn verify.
TEST_PREREQS += cluster-selftest cluster-binaries

.PHONY: cluster-binaries cluster-binaries-1.20 cluster-selftest cluster-up cluster-down cluster-status cluster-smoke cluster-load-images

cluster-selftest: ## unit tests of the local cluster's helpers (DNS watcher, image writer, runc wrapper)
	@/usr/bin/python3 -m unittest discover -s $(LOCAL_CLUSTER_DIR)/tests -t $(LOCAL_CLUSTER_DIR)/tests

cluster-binaries: ## build (or reuse) Kubernetes 1.37.2, etcd, containerd and CNI from Go modules; lays out kube-api-test's binaries
	@$(LOCAL_CLUSTER_DIR)/build-binaries.sh

cluster-binaries-1.20: ## kube-api-test layout of Kubernetes 1.20.2 (Debian's source), the oldest the operator is tested on; not in make test
	@$(LOCAL_CLUSTER_DIR)/build-binaries-1.20.sh

cluster-up: ## start the local single-node cluster (idempotent); prints its kubeconfig path
	@$(LOCAL_CLUSTER_DIR)/up.sh

cluster-down: ## stop the local cluster and remove everything it made on the host
	@$(LOCAL_CLUSTER_DIR)/down.sh

cluster-status: ## show the local cluster's components and node
	@$(LOCAL_CLUSTER_DIR)/status.sh

cluster-smoke: ## prove the local cluster's node: image, Service + DNS, Job, restricted pod, logs/exec
	@$(LOCAL_CLUSTER_DIR)/smoke.sh

cluster-load-images: ## import image archives (CLUSTER_IMAGES, default the broker/operator jib-image.tar) into the local cluster
	@archives=""; \
	for a in $(CLUSTER_IMAGES); do \
	  if [ -f "$$a" ] || [ "$(origin CLUSTER_IMAGES)" != file ]; then archives="$$archives $$a"; \
	  else echo "cluster-load-images: $$a not built, skipped" >&2; fi; \
	done; \
	[ -n "$$archives" ] || { echo "cluster-load-images: no archive to import (make broker-image operator-image, or set CLUSTER_IMAGES)" >&2; exit 1; }; \
	$(LOCAL_CLUSTER_DIR)/load-images.sh $$archives
