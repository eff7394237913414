package io.zeromesh.e2e.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every case a run of the suite must contain, and the check that it did: each ran exactly once and
 * passed. Without it a Maven argument ({@code -Dtest}, {@code -Dgroups}, {@code -DskipTests},
 * {@code -Dmaven.test.failure.ignore}, {@code -Dsurefire.rerunFailingTestsCount}) could drop, skip,
 * ignore or rerun a case and still leave a green build. A new case is added here too; {@code
 * ExpectedCasesTest} fails the normal build while this list and the {@link ZeroMeshE2e} classes
 * differ.
 */
public final class ExpectedCases {
  /** {@code <class simple name>#<test method>}, in the order the suite runs them. */
  public static final List<String> ALL =
      List.of(
          "RequestReplyE2eTest#everyRequestIsAnsweredAndEveryWorkerServes",
          "PubSubE2eTest#subscribersGetExactlyTheirTopicsAlsoThroughACascade",
          "PubSubE2eTest#lateSubscriberGetsTheLatestValueAtOnce",
          "PipelineE2eTest#allTasksReachTheSinkAndScalingSpreadsTheLoad",
          "ResilienceE2eTest#requestReplyLosesNothingAndResendsWithinBudgetWhenTheBrokerPodDies",
          "ResilienceE2eTest#pubSubLosesAtMostTheRestartBudgetWhenTheForwarderPodDies",
          "ReplicatedDevicesE2eTest#brokerReplicaLostAnswersEveryRequestWithinTheResendBudget",
          "ReplicatedDevicesE2eTest#forwarderReplicaLostCostsItsSurvivingSubscribersNothingAndNobodyADuplicate",
          "ReplicatedDevicesE2eTest#pipelineReplicaLostDeliversEveryTaskThatReachedALiveStreamerOnce",
          "ReplicatedDevicesE2eTest#rollingChangeOfAReplicatedBrokerAnswersEveryRequestWithinTheResendBudget",
          "ReplicatedDevicesE2eTest#rollingChangeOfAReplicatedForwarderCostsTheReplicaNotYetRolledNothingAndNobodyADuplicate",
          "DisruptionBudgetE2eTest#anEvictionBeyondTheBudgetIsRefusedAndOneWithinItIsAllowed",
          "CurveSecurityE2eTest#clientWithServerKeyIsServedAndPlaintextClientIsRefused",
          "CurveNamedSecretE2eTest#aSecretOnlyThePodsReadIsReportedWhileMissingServesAndRotatesByARestart",
          "InvalidSpecE2eTest#invalidSpecIsReportedAndOthersAreStillServed",
          "LeaderElectionE2eTest#standbyTakesOverTheLeaseAndFinishesTheChange");

  /** How a case ended, as {@link CaseRecorder} writes it. */
  public enum Outcome {
    PASSED,
    FAILED,
    ABORTED,
    DISABLED
  }

  private ExpectedCases() {}

  /**
   * What is wrong with a run that recorded {@code records} ({@code case -> outcome}, one entry per
   * execution, in order): empty when every expected case ran once and passed. A {@code partial} run
   * (the documented opt-out for {@code -Dtest=...}) may leave cases out, nothing else.
   */
  public static List<String> problems(
      List<String> expected, List<Map.Entry<String, Outcome>> records, boolean partial) {
    Map<String, List<Outcome>> byCase = new LinkedHashMap<>();
    for (Map.Entry<String, Outcome> r : records) {
      byCase.computeIfAbsent(r.getKey(), k -> new ArrayList<>()).add(r.getValue());
    }
    List<String> problems = new ArrayList<>();
    if (byCase.isEmpty()) {
      problems.add("no case ran at all");
    }
    for (String c : expected) {
      List<Outcome> outcomes = byCase.getOrDefault(c, List.of());
      if (outcomes.isEmpty()) {
        if (!partial) {
          problems.add(c + ": did not run");
        }
      } else if (outcomes.size() > 1) {
        problems.add(c + ": ran " + outcomes.size() + " times " + outcomes + " (a rerun?)");
      } else if (outcomes.get(0) != Outcome.PASSED) {
        problems.add(c + ": " + outcomes.get(0));
      }
    }
    Set<String> known = Set.copyOf(expected);
    byCase.keySet().stream()
        .filter(c -> !known.contains(c))
        .forEach(c -> problems.add(c + ": ran, but is not in ExpectedCases.ALL"));
    return problems;
  }
}
