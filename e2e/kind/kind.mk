# kind with a node image built on this machine (e2e/kind/README.md): no registry needed.
#
#   make e2e-kind-offline        node image, kind cluster, `make e2e` on it, then cluster and dockerd removed
#   make e2e-kind-offline-smoke  the same up to e2e/kind/smoke.sh, instead of the suite
#   make e2e-kind-node-image     only build (or keep) the node image; needs a Docker engine
#   make e2e-kind-smoke          smoke checks of the running kind cluster
#   make e2e-kind-docker-up / e2e-kind-docker-down   Debian's dockerd, started and removed cleanly
# Nothing here is part of `make test` or .ci/run.

KIND_LOCAL_NODE_IMAGE ?= zeromesh.local/kind-node:v1.37.2

.PHONY: e2e-kind-offline e2e-kind-offline-smoke e2e-kind-node-image e2e-kind-smoke e2e-kind-docker-up e2e-kind-docker-down

# No broker-image/operator-image prerequisites: the `make e2e` inside offline.sh builds both (it
# always does), so building them here as well only doubled the Maven and Jib work.
e2e-kind-offline: cluster-binaries ## kind e2e without a registry: builds the node image here, runs make e2e on it, cleans up (holds the cluster lock)
	@KIND_LOCAL_NODE_IMAGE=$(KIND_LOCAL_NODE_IMAGE) e2e/kind/offline.sh e2e

e2e-kind-offline-smoke: cluster-binaries ## kind without a registry up to the smoke checks (node image, cluster, e2e/kind/smoke.sh), then cleans up
	@KIND_LOCAL_NODE_IMAGE=$(KIND_LOCAL_NODE_IMAGE) e2e/kind/offline.sh smoke

e2e-kind-node-image: cluster-binaries ## build (or keep) the kind node image $(KIND_LOCAL_NODE_IMAGE) from local files; needs a Docker engine
	@e2e/kind/node/node.sh $(KIND_LOCAL_NODE_IMAGE)

e2e-kind-smoke: ## smoke checks of the kind cluster of the e2e suite (nodes, pod, Service DNS, logs/exec)
	@e2e/kind/smoke.sh

e2e-kind-docker-up: ## start Debian's dockerd (installs docker.io if missing)
	@e2e/kind/docker.sh start

e2e-kind-docker-down: ## stop that dockerd and remove its bridges, iptables chains and FORWARD policy
	@e2e/kind/docker.sh stop
