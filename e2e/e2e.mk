# End-to-end suite (e2e/): real messages through every device on a real cluster.
#
#   make e2e            images, a cluster (unless KUBECONFIG is set), the suite; about 10 minutes
#   make e2e-run        only the suite, against the cluster in KUBECONFIG (images already loaded)
#   make e2e-kind-up / e2e-kind-load / e2e-kind-down    the kind cluster by hand
#   make e2e-kind-install   build kind v0.33.0 from the Go module proxy into $(ZEROMESH_CACHE)/kind/bin
#
# Which cluster: KUBECONFIG when set (its nodes must already hold the images; the suite checks,
# and fails naming the node and image it lacks); else kind when `docker info` and `kind` (on PATH
# or built by e2e-kind-install) work; else the local cluster of e2e/local-cluster (make cluster-up).
# The images carry tags unique to the sources (broker-image/broker.mk); the suite reads them from
# broker-image/target/jib-image.ref and operator/target/jib-image.ref.
# E2E_MVN_ARGS passes extra Maven arguments. A run of some cases only must say so, or the
# expected-cases check fails it: E2E_MVN_ARGS="-Dtest=PipelineE2eTest -Dzeromesh.e2e.partial=true".

E2E_MVN_ARGS ?=

.PHONY: e2e e2e-run e2e-kind-install e2e-kind-up e2e-kind-load e2e-kind-down

e2e: broker-image operator-image ## end-to-end suite: builds images, brings up a cluster unless KUBECONFIG is set, loads images, runs e2e/
	@if [ -n "$${KUBECONFIG:-}" ]; then \
	  kubeconfig="$$KUBECONFIG"; \
	  echo "e2e: cluster from KUBECONFIG=$$kubeconfig (its nodes must hold the images already)"; \
	elif docker info >/dev/null 2>&1 && { command -v kind || [ -x "$(ZEROMESH_CACHE)/kind/bin/kind" ]; } >/dev/null 2>&1; then \
	  echo "e2e: using kind"; \
	  kubeconfig="$$(e2e/kind/up.sh)"; \
	  E2E_SKIP_BUILD=1 e2e/kind/load-images.sh; \
	else \
	  echo "e2e: no docker/kind here; using the local cluster (make cluster-up)"; \
	  kubeconfig="$$($(MAKE) --no-print-directory -s cluster-up | tail -n 1)"; \
	  [ -n "$$kubeconfig" ] || kubeconfig="$(ZEROMESH_CACHE)/local-cluster/kubeconfig"; \
	  $(MAKE) --no-print-directory cluster-load-images || { \
	    echo "e2e: image import failed once (containerd can race its own snapshot cleanup on a re-import); retrying"; \
	    $(MAKE) --no-print-directory cluster-load-images; }; \
	  KUBECONFIG="$$kubeconfig" bash e2e/demo.sh --down; \
	fi; \
	start=$$(date +%s); \
	KUBECONFIG="$$kubeconfig" $(MVN) -pl e2e verify -Pe2e $(E2E_MVN_ARGS); \
	echo "e2e: suite passed in $$(( $$(date +%s) - start ))s"

e2e-run: ## run only the e2e suite against the cluster in KUBECONFIG (this build's images already on its nodes)
	@[ -n "$${KUBECONFIG:-}" ] || { echo "e2e-run: set KUBECONFIG to the cluster under test" >&2; exit 2; }
	$(MVN) -pl e2e verify -Pe2e $(E2E_MVN_ARGS)

e2e-kind-install: ## build kind v0.33.0 with go install (cached under $(ZEROMESH_CACHE)/kind/bin)
	@e2e/kind/install-kind.sh >/dev/null

e2e-kind-up: ## create (or reuse) the kind cluster of the e2e suite; prints its kubeconfig path
	@e2e/kind/up.sh

e2e-kind-load: broker-image operator-image ## load the broker and operator image archives into the kind cluster
	@E2E_SKIP_BUILD=1 e2e/kind/load-images.sh

e2e-kind-down: ## delete the kind cluster of the e2e suite
	@e2e/kind/down.sh

include e2e/kind/kind.mk
