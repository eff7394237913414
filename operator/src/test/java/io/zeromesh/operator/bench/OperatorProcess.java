package io.zeromesh.operator.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The operator as it ships, in a process of its own: the Quarkus fast-jar ({@code
 * operator/target/quarkus-app/quarkus-run.jar}) started with the entrypoint of its image, read from
 * the Jib configuration in {@code operator/image/pom.xml} (so the flags here are the image's, never
 * a copy), with this JDK's {@code java} for the image's and the local jar for {@code
 * /deployments/quarkus-run.jar}; extra JVM flags (the benchmark's {@code -Xmx256m}) go before
 * {@code -jar}. Its environment is the chart's default install: leader election on, a Lease in
 * {@value #NAMESPACE}, every namespace watched; the credentials are a kubeconfig.
 */
final class OperatorProcess implements AutoCloseable {
  static final String NAMESPACE = "zeromesh-system";
  private static final String IMAGE_JAR = "/deployments/quarkus-run.jar";

  private final Process process;
  private final int port;
  private final List<String> command;

  private OperatorProcess(Process process, int port, List<String> command) {
    this.process = process;
    this.port = port;
    this.command = command;
  }

  /**
   * Starts the operator and waits until {@code /q/health/ready} answers 200 (its informers have
   * synced), at most {@code readyTimeout}. Its output goes to {@code log}.
   */
  static OperatorProcess start(
      Path repoRoot, List<String> extraJvmFlags, Path kubeconfig, Path log, Duration readyTimeout)
      throws IOException, InterruptedException {
    Path app = repoRoot.resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(app)) {
      throw new IllegalStateException(
          "no packaged operator at "
              + app
              + ": run `mvn -B -ntp -pl operator package -DskipTests`");
    }
    List<String> command = new ArrayList<>();
    List<String> entrypoint = imageEntrypoint(repoRoot.resolve("operator/image/pom.xml"));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : entrypoint.subList(1, entrypoint.size())) {
      if (arg.equals("-jar")) {
        command.addAll(extraJvmFlags);
      }
      command.add(arg.equals(IMAGE_JAR) ? app.toString() : arg);
    }
    if (!command.contains(app.toString())) {
      throw new IllegalStateException(
          "the image's entrypoint " + entrypoint + " does not run " + IMAGE_JAR);
    }
    int port = freePort();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(app.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("KUBERNETES_NAMESPACE", NAMESPACE);
    env.put("ZEROMESH_LEADER_ELECTION", "true");
    env.put("QUARKUS_OPERATOR_SDK_NAMESPACES", "JOSDK_ALL_NAMESPACES");
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    OperatorProcess operator = new OperatorProcess(builder.start(), port, List.copyOf(command));
    try {
      operator.awaitReady(readyTimeout, log);
    } catch (IOException | InterruptedException | RuntimeException e) {
      operator.close();
      throw e;
    }
    return operator;
  }

  long pid() {
    return process.pid();
  }

  List<String> command() {
    return command;
  }

  URI metrics() {
    return URI.create("http://127.0.0.1:" + port + "/q/metrics");
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Runs {@code jcmd <pid> <command...>} (a full GC, a class histogram); returns its output. */
  String jcmd(String... arguments) throws IOException, InterruptedException {
    List<String> jcmd = new ArrayList<>();
    jcmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    jcmd.add(Long.toString(pid()));
    jcmd.addAll(List.of(arguments));
    Process p = new ProcessBuilder(jcmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes());
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", jcmd) + " failed: " + out);
    }
    return out;
  }

  /** Stops the operator as Kubernetes would: SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void awaitReady(Duration timeout, Path log) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited with " + process.exitValue() + " while starting; see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // the HTTP server starts with the application
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the operator was not ready within " + timeout.toSeconds() + " s; see " + log);
      }
      process.waitFor(250, TimeUnit.MILLISECONDS); // returns at once when the process ends
    }
  }

  /** The image's entrypoint: the {@code <container><entrypoint><arg>}s of the Jib configuration. */
  static List<String> imageEntrypoint(Path imagePom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document pom = factory.newDocumentBuilder().parse(imagePom.toFile());
      NodeList entrypoints = pom.getElementsByTagName("entrypoint");
      if (entrypoints.getLength() != 1) {
        throw new IllegalStateException("expected one <entrypoint> in " + imagePom);
      }
      NodeList args = ((Element) entrypoints.item(0)).getElementsByTagName("arg");
      List<String> entrypoint = new ArrayList<>();
      for (int i = 0; i < args.getLength(); i++) {
        entrypoint.add(args.item(i).getTextContent().trim());
      }
      if (entrypoint.size() < 3) {
        throw new IllegalStateException("no java command in the <entrypoint> of " + imagePom);
      }
      return entrypoint;
    } catch (IOException
        | org.xml.sax.SAXException
        | javax.xml.parsers.ParserConfigurationException e) {
      throw new IllegalStateException("cannot read the image's entrypoint from " + imagePom, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
