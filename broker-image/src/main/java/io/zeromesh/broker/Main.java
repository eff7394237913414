package io.zeromesh.broker;

import io.zeromesh.broker.config.ConfigException;
import io.zeromesh.broker.device.DeviceMain;
import io.zeromesh.broker.probe.ProbeMain;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the broker image: {@code zeromesh-broker queue|forwarder|streamer|probe [flags]}.
 * Exit codes: 0 done, 1 a probe expectation not met or a runtime failure, 2 bad configuration.
 */
public final class Main {
  static final String USAGE =
      "usage: zeromesh-broker queue|forwarder|streamer [flags]\n"
          + "       zeromesh-broker probe pub|sub|req|rep|push|pull|worker"
          + " --endpoint tcp://host:port[,...] [flags]\n"
          + "       zeromesh-broker <mode> --help   lists the flags of a mode";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "queue":
        case "forwarder":
        case "streamer":
          return DeviceMain.run(args[0], rest, System.getenv());
        case "probe":
          return ProbeMain.run(rest, System.getenv());
        default:
          throw new ConfigException("unknown mode '" + args[0] + "'\n" + USAGE);
      }
    } catch (ConfigException e) {
      System.err.println("zeromesh-broker: " + e.getMessage());
      return 2;
    }
  }
}
