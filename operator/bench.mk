# Operator benchmark (operator/bench.mk): the packaged operator (Quarkus fast-jar, the JVM flags of
# its image plus -Xmx256m, its own process) against a real kube-apiserver + etcd, with 1,000 and
# then 5,000 custom resources. See the Javadoc of
# operator/src/test/java/io/zeromesh/operator/bench/ReconcileBenchmark.java for what it measures.
#
#   make operator-bench                                   1,000 then 5,000 resources, 5 namespaces
#   make operator-bench BENCH_COUNTS=200,1000 BENCH_NAMESPACES=2
#   make operator-bench BENCH_ARGS="-Dbench.settleSeconds=60 -Dbench.timeoutSeconds=1800"
#   make operator-bench BENCH_OPERATOR_JVM_FLAGS=-Xmx384m     (the chart's 512Mi limit x 75%)
#
# Needs the API server binaries of `make cluster-binaries` (it never downloads them). Builds the
# operator's fast-jar first (mvn package, tests skipped: the benchmark is not a test).

BENCH_COUNTS ?= 1000,5000
BENCH_NAMESPACES ?= 5
BENCH_K8S_VERSION ?= 1.37.2
BENCH_OPERATOR_JVM_FLAGS ?= -Xmx256m
# Extra -Dbench.* settings (settleSeconds, timeoutSeconds, pollMillis, createThreads).
BENCH_ARGS ?=

.PHONY: operator-bench

operator-bench: ## operator benchmark: the packaged operator with 1,000 then 5,000 CRs on a real kube-apiserver; time, reconciles, writes, RSS, heap, CPU (BENCH_COUNTS, BENCH_NAMESPACES)
	$(MVN) -pl operator package -DskipTests exec:exec \
	  -Dexec.executable=java \
	  -Dexec.classpathScope=test \
	  -Dexec.workingdir=$(CURDIR)/operator \
	  "-Dexec.args=-Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dzeromesh.repo.root=$(CURDIR) -Dbench.counts=$(BENCH_COUNTS) -Dbench.namespaces=$(BENCH_NAMESPACES) -Dbench.kubernetesVersion=$(BENCH_K8S_VERSION) '-Dbench.operatorJvmFlags=$(BENCH_OPERATOR_JVM_FLAGS)' $(BENCH_ARGS) -classpath %classpath io.zeromesh.operator.bench.ReconcileBenchmark"
