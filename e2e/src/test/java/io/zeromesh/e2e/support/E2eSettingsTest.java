package io.zeromesh.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class E2eSettingsTest {
  @Test
  void splitsImageReferences() {
    assertEquals("zeromesh/broker", E2eSettings.repository("zeromesh/broker:0.1.0"));
    assertEquals("0.1.0", E2eSettings.tag("zeromesh/broker:0.1.0"));
    assertEquals(
        "localhost:5000/zeromesh/operator",
        E2eSettings.repository("localhost:5000/zeromesh/operator:0.2.0-rc1"));
    assertEquals("0.2.0-rc1", E2eSettings.tag("localhost:5000/zeromesh/operator:0.2.0-rc1"));
    assertEquals(
        "localhost:5000/zeromesh/operator",
        E2eSettings.repository("localhost:5000/zeromesh/operator"));
    assertEquals("latest", E2eSettings.tag("localhost:5000/zeromesh/operator"));
  }
}
