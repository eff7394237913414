# Operator targets (included by the root Makefile).

OPERATOR_GENERATED := operator/target/kubernetes

.PHONY: operator-build crds

operator-build: ## build the operator (Quarkus fast-jar, CRDs and RBAC under operator/target), no tests
	$(MVN) -pl operator package -DskipTests

crds: operator-build ## regenerate the CRDs from the API types into crds/, the chart and helm/install
	rm -f crds/*.zeromesh.io-v1.yml
	cp $(OPERATOR_GENERATED)/*.zeromesh.io-v1.yml crds/
	@ls -1 crds/*.yml
	$(MAKE) --no-print-directory chart-install-yaml
