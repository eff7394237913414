package io.zeromesh.broker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zeromesh.broker.bench.BenchMain.Case;
import io.zeromesh.broker.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bench's subset flags: {@code --devices} and {@code --only} pick rows, in the bench's order.
 */
class BenchMainTest {
  private static List<Case> cases(String... args) {
    return BenchMain.cases(BenchMain.FLAGS.parse(List.of(args), Map.of()));
  }

  @Test
  void withoutOnlyEveryPatternAndSizeIsMeasured() {
    assertEquals(
        List.of(
            new Case(1, 1, 100), new Case(1, 1, 1024), new Case(2, 2, 100), new Case(2, 2, 1024)),
        cases());
  }

  @Test
  void onlyPicksThoseCasesInTheBenchsOrderEachOnce() {
    assertEquals(
        List.of(new Case(1, 1, 100), new Case(2, 2, 100)), cases("--only=2x2:100,1x1:100,2x2:100"));
    assertEquals(List.of(new Case(1, 1, 1024)), cases("--only", "1x1:1024"));
  }

  @Test
  void onlyFromTheEnvironmentCountsAsItsHelpSays() {
    assertEquals(
        List.of(new Case(2, 2, 1024)),
        BenchMain.cases(BenchMain.FLAGS.parse(List.of(), Map.of("ZEROMESH_ONLY", "2x2:1024"))));
  }

  @Test
  void aCaseTheBenchDoesNotHaveIsRefused() {
    for (String bad : List.of("3x3:100", "1x1:512", "1x1", "100", "1x1:100:2")) {
      assertThrows(ConfigException.class, () -> cases("--only=" + bad), bad);
    }
  }

  @Test
  void warmUpGoesOnUntilTheJitHasSettledWithinItsBounds() {
    // A pass whose compiler threads took 30% of the process CPU is not warm, even after two.
    assertEquals(false, BenchMain.warm(2, 0.3, 1.0));
    assertEquals(false, BenchMain.warm(1, 0.0, 1.0), "at least two passes");
    assertEquals(true, BenchMain.warm(2, 0.05, 1.0), "5% is settled");
    assertEquals(true, BenchMain.warm(BenchMain.MAX_WARM_PASSES, 0.9, 1.0), "bounded");
    assertEquals(false, BenchMain.warm(3, 0.01, 0.0), "a pass that cost nothing proves nothing");
  }

  @Test
  void devicesKeepTheBenchsOrder() {
    assertEquals(
        List.of("forwarder", "streamer"),
        BenchMain.devices(
            BenchMain.FLAGS.parse(List.of("--devices=streamer,forwarder"), Map.of())));
  }
}
