package io.zeromesh.operator.reconciler;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowResult;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.status.Conditions;
import io.zeromesh.operator.status.Verdict;
import io.zeromesh.operator.testing.TestResources;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildRejectionsTest {
  private final ZmqBroker broker =
      stored(TestResources.broker("n", "orders", s -> s.setWorkers(TestResources.workers(1))));

  @SuppressWarnings("rawtypes")
  private static WorkflowResult failed(Map<DependentResource, Exception> errors) {
    return new WorkflowResult() {
      @Override
      public Map<DependentResource, Exception> getErroredDependents() {
        return errors;
      }
    };
  }

  private static KubernetesClientException server(int code, String message) {
    return new KubernetesClientException(
        new StatusBuilder().withCode(code).withMessage(message).build());
  }

  @Test
  void noErrorsIsOk() {
    assertEquals(Verdict.OK, ChildRejections.verdict(broker, failed(Map.of())));
  }

  @Test
  @SuppressWarnings("rawtypes")
  void aRefusalNamesTheObjectAndTheServersWords() {
    Map<DependentResource, Exception> errors = new LinkedHashMap<>();
    errors.put(
        new BrokerReconciler.WorkerDeployment(),
        server(403, "exceeded quota: q, requested: pods=1, used: pods=0, limited: pods=0"));
    errors.put(
        new BrokerReconciler.FrontendService(),
        // JOSDK may wrap what the client threw
        new IllegalStateException(
            server(
                422,
                "Service \"orders-broker\" is invalid: spec.ports[0].nodePort: Invalid value:"
                    + " 30080: provided port is already allocated")));
    Verdict verdict = ChildRejections.verdict(broker, failed(errors));
    assertEquals(Conditions.REASON_CHILD_REJECTED, verdict.reason());
    assertEquals(
        "the API server rejected Deployment orders-broker-workers: exceeded quota: q, requested:"
            + " pods=1, used: pods=0, limited: pods=0; Service orders-broker: Service"
            + " \"orders-broker\" is invalid: spec.ports[0].nodePort: Invalid value: 30080:"
            + " provided port is already allocated",
        verdict.message());
    assertTrue(verdict.childrenReconciled(), "the other children were reconciled");
  }

  @Test
  @SuppressWarnings("rawtypes")
  void anyOtherFailureIsThrownForARetry() {
    Map<DependentResource, Exception> errors = new LinkedHashMap<>();
    errors.put(new BrokerReconciler.FrontendService(), server(422, "invalid"));
    errors.put(
        new BrokerReconciler.DeviceDeployment(), server(409, "the object has been modified"));
    assertThrows(
        AggregatedOperatorException.class, () -> ChildRejections.verdict(broker, failed(errors)));
    assertThrows(
        AggregatedOperatorException.class,
        () ->
            ChildRejections.verdict(
                broker,
                failed(
                    Map.of(
                        new BrokerReconciler.DeviceDeployment(),
                        new KubernetesClientException("connection refused")))));
  }
}
