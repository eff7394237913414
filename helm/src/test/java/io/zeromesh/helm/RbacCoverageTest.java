package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.NAMESPACE;
import static io.zeromesh.helm.ChartFixture.RELEASE;
import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.helm.ChartFixture.Manifests;
import io.zeromesh.helm.GeneratedRbac.Permission;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chart grants the operator's ServiceAccount everything the operator's own build says it needs:
 * the rules of the ClusterRoles and Roles that the Quarkus Operator SDK generates from the
 * reconcilers and their dependents into operator/target/kubernetes/kubernetes.yml. Permissions are
 * followed through the chart's bindings, so a role that exists but is not bound does not count.
 *
 * <p>QOSDK's manifest also binds the built-in `view` ClusterRole in the operator's namespace. The
 * chart does not: the operator reads nothing there but its Lease, which the leader-election Role
 * grants. Only roles defined in the generated file are compared.
 */
@Timeout(120)
class RbacCoverageTest {

  private static final String SERVICE_ACCOUNT = RELEASE;

  private static List<Permission> required;

  @BeforeAll
  static void readGeneratedRbac() throws IOException {
    required = GeneratedRbac.required();
  }

  @Test
  void clusterWideInstallGrantsEveryGeneratedPermission() {
    Manifests m = ChartFixture.render();
    Set<Permission> granted = effective(m, "some-namespace");
    assertCovers(granted, required, "watching all namespaces");
  }

  @Test
  void namespacedInstallGrantsEveryGeneratedPermissionInEachWatchedNamespace() {
    Manifests m = ChartFixture.render("watchNamespaces: [team-a, team-b]\n");
    for (String namespace : List.of("team-a", "team-b")) {
      assertCovers(effective(m, namespace), required, "in watched namespace " + namespace);
    }
    // ...and nothing about the custom resources anywhere else.
    Set<Permission> elsewhere = effective(m, "not-watched");
    assertFalse(
        elsewhere.stream().anyMatch(p -> p.group().equals("zeromesh.io")),
        "the operator can touch custom resources in an unwatched namespace: " + elsewhere);
  }

  @Test
  void chartGrantsNothingTheOperatorDoesNotNeed() {
    // Least privilege: the operator's role holds the generated rules and nothing else. (The
    // leader-election Role and the CRD reader are separate roles with their own reasons.)
    Manifests m = ChartFixture.render();
    Set<Permission> operatorRole = new TreeSet<>(rulesOf(m, "ClusterRole", RELEASE, null));
    operatorRole.removeAll(required);
    assertTrue(
        operatorRole.isEmpty(),
        "the chart's operator role grants what the operator's generated RBAC does not ask for: "
            + operatorRole
            + ". Remove it from zeromesh-operator.namespacedRules in _helpers.tpl.");
  }

  @Test
  void leaderElectionCanTakeTheLeaseInTheOperatorNamespace() {
    Set<Permission> granted = effective(ChartFixture.render(), NAMESPACE);
    for (String verb : List.of("get", "create", "update")) {
      assertTrue(
          granted.contains(new Permission("coordination.k8s.io", "leases", verb)),
          "leases " + verb + " missing in " + NAMESPACE);
    }
    Set<Permission> withoutElection =
        effective(ChartFixture.render("leaderElection: {enabled: false}\n"), NAMESPACE);
    assertFalse(
        withoutElection.contains(new Permission("coordination.k8s.io", "leases", "create")));
  }

  @Test
  void coverageCheckFailsWhenARuleIsMissing() {
    // The same comparison must notice a gap: drop the Deployment rules and expect a failure.
    Set<Permission> granted = new TreeSet<>(effective(ChartFixture.render(), "some-namespace"));
    granted.removeIf(p -> p.resource().equals("deployments"));
    List<Permission> needsDeployments = List.of(new Permission("apps", "deployments", "create"));
    AssertionError error =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> assertCovers(granted, needsDeployments, "mutated"));
    assertTrue(error.getMessage().contains("apps/deployments create"), error.getMessage());
  }

  /**
   * What the operator's ServiceAccount may do in a namespace: rules of ClusterRoles bound by
   * ClusterRoleBindings, plus rules of Roles (or ClusterRoles) bound by RoleBindings there.
   */
  static Set<Permission> effective(Manifests m, String namespace) {
    Set<Permission> granted = new TreeSet<>();
    for (Map<String, Object> binding : m.ofKind("ClusterRoleBinding")) {
      if (bindsServiceAccount(binding)) {
        assertEquals("ClusterRole", at(binding, "roleRef", "kind"));
        granted.addAll(rulesOf(m, "ClusterRole", at(binding, "roleRef", "name"), null));
      }
    }
    for (Map<String, Object> binding : m.ofKind("RoleBinding")) {
      if (namespace.equals(at(binding, "metadata", "namespace")) && bindsServiceAccount(binding)) {
        String kind = at(binding, "roleRef", "kind");
        granted.addAll(
            rulesOf(
                m, kind, at(binding, "roleRef", "name"), "Role".equals(kind) ? namespace : null));
      }
    }
    return granted;
  }

  private static boolean bindsServiceAccount(Map<String, Object> binding) {
    List<Map<String, Object>> subjects = at(binding, "subjects");
    return subjects != null
        && subjects.stream()
            .anyMatch(
                s ->
                    "ServiceAccount".equals(s.get("kind"))
                        && SERVICE_ACCOUNT.equals(s.get("name"))
                        && NAMESPACE.equals(s.get("namespace")));
  }

  private static List<Permission> rulesOf(Manifests m, String kind, String name, String namespace) {
    Map<String, Object> role =
        m.ofKind(kind).stream()
            .filter(r -> name.equals(at(r, "metadata", "name")))
            .filter(r -> namespace == null || namespace.equals(at(r, "metadata", "namespace")))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("binding refers to missing " + kind + " " + name));
    return Permission.expand(at(role, "rules"));
  }

  private static void assertCovers(
      Set<Permission> granted, List<Permission> needed, String situation) {
    List<String> missing = new ArrayList<>();
    for (Permission p : needed) {
      boolean covered =
          granted.stream()
              .anyMatch(
                  g ->
                      (g.group().equals(p.group()) || g.group().equals("*"))
                          && (g.resource().equals(p.resource()) || g.resource().equals("*"))
                          && (g.verb().equals(p.verb()) || g.verb().equals("*")));
      if (!covered) {
        missing.add(p.toString());
      }
    }
    assertTrue(
        missing.isEmpty(),
        "the chart does not grant, "
            + situation
            + ", what the operator's generated RBAC asks for: "
            + new TreeSet<>(missing)
            + ". Add it to zeromesh-operator.namespacedRules in _helpers.tpl (or to the crd-reader"
            + " ClusterRole for cluster-scoped resources).");
  }
}
