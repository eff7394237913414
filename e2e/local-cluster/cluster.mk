# Local single-node Kubernetes 1.20.2 built from Debian's packages (e2e/local-cluster/README.md):
# no Docker, no registry. Binaries and state are cached under $(ZEROMESH_CACHE).

LOCAL_CLUSTER_DIR := e2e/local-cluster

DEBIAN_PACKAGES += golang-go rsync etcd-server golang-github-modern-go-reflect2-dev dpkg-dev gcc libc6-dev
# The operator's integration tests (kube-api-test) need the API server binaries before mvn verify.
TEST_PREREQS += cluster-binaries

.PHONY: cluster-binaries

cluster-binaries: ## build (or reuse) Kubernetes 1.20.2 from Debian's source; lays out kube-api-test's binaries
	@$(LOCAL_CLUSTER_DIR)/build-binaries.sh
