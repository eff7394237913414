package io.zeromesh.operator.reconciler;

import static io.zeromesh.operator.testing.TestResources.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.zeromesh.operator.api.v1alpha1.CurveSpec;
import io.zeromesh.operator.api.v1alpha1.DeviceSpec;
import io.zeromesh.operator.api.v1alpha1.DisruptionBudgetSpec;
import io.zeromesh.operator.api.v1alpha1.NetworkPolicySpec;
import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.Labels;
import io.zeromesh.operator.testing.TestResources;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object a dependent builds carries the labels its informer selects: JOSDK only sees what the
 * informer caches, so a mismatch would make the dependent re-create its object forever. Each
 * informer selects only its own kind, so it caches no other controller's objects.
 */
class InformerSelectorsTest {

  static Stream<Arguments> dependents() {
    ZmqDevice broker =
        stored(
            TestResources.broker(
                "n",
                "b",
                s -> {
                  everything(s);
                  s.setWorkers(TestResources.workers(2));
                  s.getWorkers().setPodDisruptionBudget(new DisruptionBudgetSpec());
                }));
    ZmqDevice forwarder =
        stored(TestResources.forwarder("n", "f", InformerSelectorsTest::everything));
    ZmqDevice stage =
        stored(
            TestResources.stage(
                "n",
                "s",
                s -> {
                  everything(s);
                  s.setTemplate(TestResources.workerTemplate("probe"));
                  s.setPodDisruptionBudget(new DisruptionBudgetSpec());
                }));
    return Stream.of(
            Map.entry(BrokerReconciler.class, broker),
            Map.entry(ForwarderReconciler.class, forwarder),
            Map.entry(StageReconciler.class, stage))
        .flatMap(
            e ->
                Stream.of(e.getKey().getAnnotation(Workflow.class).dependents())
                    .map(
                        d ->
                            Arguments.of(
                                e.getKey().getSimpleName(),
                                d.name(),
                                d,
                                informerOf(e.getKey(), d),
                                e.getValue())));
  }

  /** Every optional object on, and user labels that try to take the operator's. */
  private static void everything(DeviceSpec spec) {
    CurveSpec curve = new CurveSpec();
    curve.setEnabled(true);
    spec.setCurve(curve);
    NetworkPolicySpec policy = new NetworkPolicySpec();
    policy.setEnabled(true);
    spec.setNetworkPolicy(policy);
    spec.setLabels(Map.of(Labels.COMPONENT, "user", Labels.NAME, "user", "team", "a"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dependents")
  void desiredObjectCarriesTheLabelsItsInformerSelects(
      String reconciler,
      String dependent,
      Dependent declared,
      KubernetesDependent informer,
      ZmqDevice primary)
      throws Exception {
    Map<String, String> selector = parse(informer.informer().labelSelector());
    assertEquals(
        Labels.name(primary.deviceKind()),
        selector.get(Labels.NAME),
        dependent + ": the informer selects only its own kind");
    assertEquals(Labels.OPERATOR, selector.get(Labels.MANAGED_BY));
    assertTrue(selector.containsKey(Labels.COMPONENT), dependent + ": selects one component");

    Object instance = declared.type().getDeclaredConstructor().newInstance();
    HasMetadata desired =
        (HasMetadata) desiredMethod(declared.type()).invoke(instance, primary, null);
    Map<String, String> labels = desired.getMetadata().getLabels();
    selector.forEach(
        (key, value) ->
            assertEquals(
                value,
                labels.get(key),
                reconciler + " " + dependent + ": label " + key + " of " + labels));
  }

  /**
   * The annotation of the dependent whose informer this one uses: its own, or that of the dependent
   * named by useEventSourceWithName (JOSDK names a dependent's event source after the dependent).
   */
  private static KubernetesDependent informerOf(Class<?> reconciler, Dependent declared) {
    Class<?> owner = declared.type();
    if (!declared.useEventSourceWithName().isEmpty()) {
      owner =
          Stream.of(reconciler.getAnnotation(Workflow.class).dependents())
              .filter(d -> declared.useEventSourceWithName().equals(d.name()))
              .map(Dependent::type)
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          declared.name()
                              + ": no dependent (with an informer) named "
                              + declared.useEventSourceWithName()));
    }
    KubernetesDependent annotation = owner.getAnnotation(KubernetesDependent.class);
    assertNotNull(annotation, owner + ": no @KubernetesDependent");
    return annotation;
  }

  private static Map<String, String> parse(String selector) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      assertEquals(2, kv.length, "only equality terms: " + selector);
      labels.put(kv[0], kv[1]);
    }
    return labels;
  }

  private static Method desiredMethod(Class<?> type) throws NoSuchMethodException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals("desired")
            && m.getParameterCount() == 2
            && m.getParameterTypes()[1] == Context.class
            && !m.isBridge()) {
          m.setAccessible(true);
          return m;
        }
      }
    }
    throw new NoSuchMethodException(type + ".desired(primary, context)");
  }
}
