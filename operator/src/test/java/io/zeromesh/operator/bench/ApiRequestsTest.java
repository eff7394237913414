package io.zeromesh.operator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How the benchmark reads the API server's request counter. */
class ApiRequestsTest {
  @Test
  void countsTheOperatorsWritesAndItsLeaseApart() {
    String metrics =
        String.join(
            "\n",
            "# HELP apiserver_request_total [STABLE] Counter of apiserver requests",
            "# TYPE apiserver_request_total counter",
            "apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"apps\","
                + "resource=\"deployments\",scope=\"resource\",subresource=\"\",verb=\"APPLY\","
                + "version=\"v1\"} 1700",
            "apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"\","
                + "resource=\"services\",scope=\"resource\",subresource=\"\",verb=\"APPLY\","
                + "version=\"v1\"} 2000",
            "apiserver_request_total{code=\"409\",component=\"apiserver\",dry_run=\"\","
                + "group=\"zeromesh.io\",resource=\"zmqbrokers\",scope=\"resource\","
                + "subresource=\"status\",verb=\"APPLY\",version=\"v1alpha1\"} 11",
            "apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\","
                + "group=\"zeromesh.io\",resource=\"zmqbrokers\",scope=\"resource\","
                + "subresource=\"\",verb=\"POST\",version=\"v1alpha1\"} 400",
            "apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\",group=\"apps\","
                + "resource=\"deployments\",scope=\"cluster\",subresource=\"\",verb=\"WATCH\","
                + "version=\"v1\"} 3",
            "apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"\","
                + "resource=\"events\",scope=\"resource\",subresource=\"\",verb=\"POST\","
                + "version=\"v1\"} 2",
            "apiserver_request_total{code=\"200\",component=\"apiserver\",dry_run=\"\","
                + "group=\"coordination.k8s.io\",resource=\"leases\",scope=\"resource\","
                + "subresource=\"\",verb=\"PUT\",version=\"v1\"} 1.5e+01",
            "apiserver_request_total_other{verb=\"APPLY\",resource=\"services\"} 99");
    ApiRequests.Count count = ApiRequests.parse(metrics);
    // the benchmark's own creates of custom resources and every read are left out
    assertEquals(1700 + 2000 + 11 + 2, count.operator());
    assertEquals(15, count.lease());
    assertEquals(
        java.util.Map.of(
            "APPLY deployments 201", 1700L,
            "APPLY services 200", 2000L,
            "APPLY zmqbrokers/status 409", 11L,
            "POST events 201", 2L),
        count.byRequest());
    ApiRequests.Count earlier =
        new ApiRequests.Count(
            3700,
            10,
            java.util.Map.of("APPLY deployments 201", 1700L, "APPLY services 200", 2000L));
    ApiRequests.Count diff = count.minus(earlier);
    assertEquals(13, diff.operator());
    assertEquals(5, diff.lease());
    // the requests by verb, resource and answer in between: only those that changed
    assertEquals(
        java.util.Map.of("APPLY zmqbrokers/status 409", 11L, "POST events 201", 2L),
        diff.byRequest());
  }
}
