package io.zeromesh.operator.it;

import static io.zeromesh.operator.it.ItSupport.eventually;
import static io.zeromesh.operator.it.ItSupport.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.zeromesh.operator.api.v1alpha1.ZmqBroker;
import io.zeromesh.operator.testing.TestResources;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What kubectl get shows: the API server's table of the custom resources, cell by cell. */
@Timeout(120)
class PrinterColumnsIT {
  @Test
  void theTableShowsReadyEndpointWorkersDevicesThenAge() throws Exception {
    ClusterFixture cluster = ClusterFixture.get();
    KubernetesClient client = cluster.client();
    String ns = cluster.newNamespace("columns");
    client
        .resource(TestResources.broker(ns, "cols", s -> s.setWorkers(TestResources.workers(2))))
        .create();
    eventually()
        .until(
            () -> client.resources(ZmqBroker.class).inNamespace(ns).withName("cols").get(),
            b -> b.getStatus() != null && ready(b.getStatus()).isPresent());

    // The table kubectl get asks for.
    HttpResponse<String> response =
        client
            .getHttpClient()
            .sendAsync(
                client
                    .getHttpClient()
                    .newHttpRequestBuilder()
                    .uri(
                        client.getMasterUrl()
                            + "apis/zeromesh.io/v1alpha1/namespaces/"
                            + ns
                            + "/zmqbrokers")
                    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                    .build(),
                String.class)
            .get();
    assertEquals(200, response.code(), response.body());
    JsonNode table = new ObjectMapper().readTree(response.body());
    List<String> shown = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    JsonNode columns = table.get("columnDefinitions");
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).get("priority").asInt() == 0) {
        shown.add(columns.get(i).get("name").asText());
        indexes.add(i);
      }
    }
    // In the order each kind declares them (crd.PrinterColumnOrder), Age last.
    assertEquals(List.of("Name", "Ready", "Endpoint", "Workers", "Devices", "Age"), shown);
    JsonNode cells = table.get("rows").get(0).get("cells");
    assertEquals("cols", cells.get(indexes.get(0)).asText());
    assertEquals("False", cells.get(indexes.get(1)).asText());
    assertEquals("tcp://cols-broker." + ns + ".svc:5559", cells.get(indexes.get(2)).asText());
    assertEquals("0/2", cells.get(indexes.get(3)).asText());
    assertEquals("0/1", cells.get(indexes.get(4)).asText());
    String age = cells.get(indexes.get(5)).asText();
    assertTrue(age.matches("[0-9]+[smhd].*"), "Age is the creation time as an age: " + age);
  }
}
