# Operator benchmark (operator/bench.mk): the operator, in-process, against a real kube-apiserver
# with 1,000 custom resources. See the Javadoc of
# operator/src/test/java/io/zeromesh/operator/bench/ReconcileBenchmark.java for what it measures.
#
#   make operator-bench                                   1,000 resources over 4 namespaces
#   make operator-bench BENCH_COUNT=200 BENCH_NAMESPACES=2
#   make operator-bench BENCH_ARGS=-Dbench.timeoutSeconds=600 BENCH_JVM_ARGS=-Xmx512m
#
# Needs the API server binaries of `make cluster-binaries` (it never downloads them).

BENCH_COUNT ?= 1000
BENCH_NAMESPACES ?= 4
# Extra -Dbench.* settings, and flags for the benchmark's JVM (which also runs the operator).
BENCH_ARGS ?=
BENCH_JVM_ARGS ?=

.PHONY: operator-bench

operator-bench: ## operator benchmark: 1,000 CRs on a real kube-apiserver; time to converge, operator writes/s, heap (BENCH_COUNT, BENCH_NAMESPACES)
	$(MVN) -pl operator test-compile exec:exec \
	  -Dexec.executable=java \
	  -Dexec.classpathScope=test \
	  -Dexec.workingdir=$(CURDIR)/operator \
	  "-Dexec.args=$(BENCH_JVM_ARGS) -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dzeromesh.repo.root=$(CURDIR) -Dbench.count=$(BENCH_COUNT) -Dbench.namespaces=$(BENCH_NAMESPACES) $(BENCH_ARGS) -classpath %classpath io.zeromesh.operator.bench.ReconcileBenchmark"
