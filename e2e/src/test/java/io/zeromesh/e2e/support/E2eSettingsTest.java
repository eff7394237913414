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

  @Test
  void readsTheImageReferenceTheBuildWrote(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path ref = dir.resolve("jib-image.ref");
    java.nio.file.Files.writeString(ref, "zeromesh/broker:0.1.0-1a2b3c4\n");
    assertEquals("zeromesh/broker:0.1.0-1a2b3c4", E2eSettings.readReference(ref, "make x"));
    IllegalStateException missing =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () -> E2eSettings.readReference(dir.resolve("none.ref"), "make broker-image"));
    org.junit.jupiter.api.Assertions.assertTrue(
        missing.getMessage().contains("make broker-image"), missing.getMessage());
    java.nio.file.Files.writeString(ref, "a:1\nb:2\n");
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> E2eSettings.readReference(ref, "make x"));
  }
}
