package io.zeromesh.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** What the operator's client reads: no managedFields, one copy of each string. */
class CacheSerializationTest {
  private static final String DEPLOYMENT =
      """
      {"apiVersion":"apps/v1","kind":"Deployment",
       "metadata":{"name":"%s","namespace":"shop","labels":{"app.kubernetes.io/name":"zeromesh-broker"},
         "managedFields":[{"manager":"zeromesh-operator","operation":"Apply",
           "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},
       "spec":{"replicas":1,"template":{"spec":{"containers":[
         {"name":"device","image":"zeromesh/broker:0.1.0","imagePullPolicy":"IfNotPresent"}]}}}}
      """;

  private final KubernetesSerialization serialization = serialization();

  private static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper();
    new CacheSerialization().customize(mapper);
    return new KubernetesSerialization(mapper, true);
  }

  @Test
  void managedFieldsAreNotReadAndTheRestIs() {
    Deployment d = serialization.unmarshal(DEPLOYMENT.formatted("a"), Deployment.class);
    assertTrue(d.getMetadata().getManagedFields().isEmpty(), "managedFields");
    assertEquals("zeromesh-broker", d.getMetadata().getLabels().get("app.kubernetes.io/name"));
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals(
        "zeromesh/broker:0.1.0",
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    // and what is sent has none either (server-side apply refuses them, an update keeps them)
    assertTrue(!serialization.asJson(d).contains("managedFields"), serialization.asJson(d));
  }

  @Test
  void twoObjectsShareTheirEqualStrings() {
    Deployment a = serialization.unmarshal(DEPLOYMENT.formatted("a"), Deployment.class);
    Deployment b = serialization.unmarshal(DEPLOYMENT.formatted("b"), Deployment.class);
    assertSame(
        a.getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        b.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertSame(
        a.getMetadata().getLabels().get("app.kubernetes.io/name"),
        b.getMetadata().getLabels().get("app.kubernetes.io/name"));
    assertEquals("b", b.getMetadata().getName());
  }
}
