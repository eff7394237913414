# Helm chart of the operator (helm/zeromesh-operator) and the operator's container image.
# Included by the root Makefile. The chart is linted, rendered and checked offline with helm-java
# inside `mvn -pl helm verify`; no helm binary is needed.
#
# The operator image target lives here too: whoever owns the chart owns how the operator ships.

CHART_DIR := helm/zeromesh-operator
CHART_INSTALL_YAML := helm/install/zeromesh-operator.yaml

.PHONY: chart-crds chart-install-yaml chart-test operator-image operator-image-check

chart-crds: ## copy crds/*.yml into the chart's crds/ (a test fails while they differ)
	@test -n "$$(ls crds/*.yml 2>/dev/null)" || { echo "no crds/*.yml: run \`make crds\` first" >&2; exit 1; }
	mkdir -p $(CHART_DIR)/crds
	rm -f $(CHART_DIR)/crds/*.yml $(CHART_DIR)/crds/*.yaml
	cp crds/*.yml $(CHART_DIR)/crds/

chart-install-yaml: chart-crds ## regenerate helm/install/zeromesh-operator.yaml from the chart (default values)
	$(MVN) -q -pl helm test-compile exec:java -Dexec.mainClass=io.zeromesh.helm.InstallManifest \
	  -Dexec.classpathScope=test -Dexec.args=$(CURDIR)/$(CHART_INSTALL_YAML)

# The operator package gives the generated RBAC the chart is checked against; cluster-binaries the
# kube-apiserver that ChartInstallIT installs the chart into.
chart-test: cluster-binaries ## lint, render, check the chart and install it into a real API server
	$(MVN) -pl operator package -DskipTests
	$(MVN) -pl helm verify

operator-image: ## build the operator image zeromesh/operator:0.1.0 as operator/target/jib-image.tar
	MVN="$(MVN)" bash operator/image/build-image.sh

operator-image-check: operator-image ## run the operator image under a private containerd (user 65532, read-only rootfs)
	bash operator/image/check-image.sh
