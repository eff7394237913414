package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The permissions the operator's build says it needs: the rules of the ClusterRoles and Roles the
 * Quarkus Operator SDK generates from the reconcilers and their dependents into
 * operator/target/kubernetes/kubernetes.yml.
 */
final class GeneratedRbac {

  private GeneratedRbac() {}

  static List<Permission> required() throws IOException {
    Path manifest =
        Path.of(
            System.getProperty(
                "zeromesh.operator.manifest",
                ChartFixture.repoRoot()
                    .resolve("operator/target/kubernetes/kubernetes.yml")
                    .toString()));
    if (!Files.isRegularFile(manifest)) {
      throw new IllegalStateException(
          "The operator's generated RBAC is missing: "
              + manifest
              + ". It is written by the operator's build: run `mvn -B -ntp -pl operator package"
              + " -DskipTests` first, or build both with `mvn -pl operator,helm verify` or `make chart-test`"
              + " (the full reactor build orders the operator before the chart).");
    }
    List<Map<String, Object>> generated = ChartFixture.parseAll(Files.readString(manifest));
    List<Permission> required = new ArrayList<>();
    for (Map<String, Object> o : generated) {
      if ("ClusterRole".equals(o.get("kind")) || "Role".equals(o.get("kind"))) {
        required.addAll(Permission.expand(at(o, "rules")));
      }
    }
    // Make sure this is the operator's manifest and was read, not an empty or foreign file.
    assertTrue(
        generated.stream()
            .anyMatch(
                o ->
                    "ServiceAccount".equals(o.get("kind"))
                        && "zeromesh-operator".equals(at(o, "metadata", "name"))),
        manifest + " holds no zeromesh-operator ServiceAccount: not the operator's manifest?");
    // One reconciler per kind, each generating a role for its resource: a manifest without them
    // is stale or broken, and comparing against it would prove nothing.
    for (String plural : List.of("zmqbrokers", "zmqforwarders", "zmqpipelinestages")) {
      assertTrue(
          required.contains(new Permission("zeromesh.io", plural, "watch")),
          manifest
              + " has no generated rule for "
              + plural
              + ": rebuild it with `mvn -pl operator package -DskipTests`");
    }
    return List.copyOf(new TreeSet<>(required)); // several roles repeat a rule
  }

  /**
   * One verb on one resource of one API group; {@code name} is a single object's name (a rule's
   * resourceNames) or empty for every object of the resource.
   */
  record Permission(String group, String resource, String verb, String name)
      implements Comparable<Permission> {

    Permission(String group, String resource, String verb) {
      this(group, resource, verb, "");
    }

    static List<Permission> expand(List<Map<String, Object>> rules) {
      List<Permission> result = new ArrayList<>();
      if (rules == null) {
        return result;
      }
      for (Map<String, Object> rule : rules) {
        List<String> groups = at(rule, "apiGroups");
        List<String> resources = at(rule, "resources");
        List<String> verbs = at(rule, "verbs");
        List<String> names = at(rule, "resourceNames");
        if (groups == null || resources == null || verbs == null) {
          continue; // nonResourceURLs rules: the operator needs none
        }
        for (String group : groups) {
          for (String resource : resources) {
            for (String verb : verbs) {
              if (names == null || names.isEmpty()) {
                result.add(new Permission(group, resource, verb));
              } else {
                names.forEach(n -> result.add(new Permission(group, resource, verb, n)));
              }
            }
          }
        }
      }
      return result;
    }

    /** Whether a granted permission allows this one (wildcards, and any name for a named one). */
    boolean coveredBy(Permission granted) {
      return matches(granted.group, group)
          && matches(granted.resource, resource)
          && matches(granted.verb, verb)
          && (granted.name.isEmpty() || granted.name.equals(name));
    }

    private static boolean matches(String granted, String wanted) {
      return granted.equals("*") || granted.equals(wanted);
    }

    @Override
    public int compareTo(Permission o) {
      return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
      return (group.isEmpty() ? "core" : group)
          + "/"
          + resource
          + (name.isEmpty() ? "" : "[" + name + "]")
          + " "
          + verb;
    }
  }
}
