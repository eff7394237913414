package io.zeromesh.helm;

import static io.zeromesh.helm.ChartFixture.NAMESPACE;
import static io.zeromesh.helm.ChartFixture.RELEASE;
import static io.zeromesh.helm.ChartFixture.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeromesh.helm.ChartFixture.Manifests;
import io.zeromesh.helm.GeneratedRbac.Permission;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chart grants the operator's ServiceAccount what the operator's code needs ({@link
 * OperatorRbac}: the generated roles minus what the code never calls, plus what it needs beyond
 * them), and nothing more: in every namespace when it watches all, in each watched namespace only
 * when it watches a list, and the Lease in its own namespace. Permissions are followed through the
 * chart's bindings, so a role that exists but is not bound does not count.
 */
@Timeout(120)
class RbacCoverageTest {

  private static final String SERVICE_ACCOUNT = RELEASE;
  private static final String SCOPED = "watchNamespaces: [team-a, team-b]\n";

  private static final String GENERATED_KEYS = "curve: {generatedKeys: true}\n";
  private static final String READ_SECRETS = "curve: {readSecrets: true}\n";

  /** What the operator needs in the all-namespaces default: no generated keys, no Secret read. */
  private static Set<Permission> neededByDefault;

  @BeforeAll
  static void readWhatTheOperatorNeeds() throws IOException {
    neededByDefault = OperatorRbac.neededInReconciledNamespace(false, false);
  }

  /**
   * One way to install the chart: its values, and what the operator then does.
   *
   * @param generatedKeys the operator generates CURVE keypairs (ZEROMESH_CURVE_GENERATED_KEYS)
   * @param readSecrets it reads the CURVE Secrets resources name (ZEROMESH_CURVE_READ_SECRETS)
   */
  record Setting(String values, boolean scoped, boolean generatedKeys, boolean readSecrets) {
    Set<Permission> needed() throws IOException {
      return OperatorRbac.neededInReconciledNamespace(generatedKeys, readSecrets);
    }

    @Override
    public String toString() {
      return (values.isEmpty() ? "the default values" : values.strip().replace('\n', ' '))
          + " (generated keys "
          + generatedKeys
          + ", Secrets read "
          + readSecrets
          + ")";
    }
  }

  /**
   * Every mode (all namespaces, a list) with each of curve.generatedKeys and curve.readSecrets
   * unset, true and false: 18 installs. Unset, each is on exactly when namespaces are listed.
   */
  static List<Setting> everySetting() {
    List<Setting> settings = new ArrayList<>();
    Boolean[] choices = {null, true, false};
    for (boolean scoped : new boolean[] {false, true}) {
      for (Boolean keys : choices) {
        for (Boolean read : choices) {
          List<String> curve = new ArrayList<>();
          if (keys != null) {
            curve.add("generatedKeys: " + keys);
          }
          if (read != null) {
            curve.add("readSecrets: " + read);
          }
          String values =
              (scoped ? SCOPED : "")
                  + (curve.isEmpty() ? "" : "curve: {" + String.join(", ", curve) + "}\n");
          settings.add(
              new Setting(
                  values, scoped, keys != null ? keys : scoped, read != null ? read : scoped));
        }
      }
    }
    return settings;
  }

  @Test
  void everyModeAndCurveSettingGrantsWhatTheCodeNeedsAndNothingMore() throws IOException {
    List<Setting> settings = everySetting();
    assertEquals(18, settings.size());
    for (Setting setting : settings) {
      Manifests m = ChartFixture.render(setting.values());
      if (setting.scoped()) {
        assertNamespaced(m, setting.needed(), setting.toString());
      } else {
        assertClusterWide(m, setting.needed(), setting.toString());
      }
      // The operator is told what its RBAC allows: it makes no call the chart did not grant.
      assertEquals(
          Boolean.toString(setting.generatedKeys()),
          operatorEnv(m, "ZEROMESH_CURVE_GENERATED_KEYS"),
          setting.toString());
      assertEquals(
          Boolean.toString(setting.readSecrets()),
          operatorEnv(m, "ZEROMESH_CURVE_READ_SECRETS"),
          setting.toString());
      boolean secretsRole = !setting.scoped() && (setting.generatedKeys() || setting.readSecrets());
      for (String kind : List.of("ClusterRole", "ClusterRoleBinding")) {
        assertEquals(
            secretsRole,
            m.find(kind, RELEASE + "-secrets").isPresent(),
            kind + " " + RELEASE + "-secrets with " + setting);
      }
    }
  }

  @Test
  void theDefaultInstallHasNoAccessToSecretsAnywhere() throws IOException {
    Manifests m = ChartFixture.render();
    for (String namespace : List.of("some-namespace", "default", NAMESPACE)) {
      List<Permission> secrets =
          effective(m, namespace).stream().filter(p -> p.resource().equals("secrets")).toList();
      assertTrue(secrets.isEmpty(), "the default install grants in " + namespace + ": " + secrets);
    }
    assertTrue(m.find("ClusterRole", RELEASE + "-secrets").isEmpty());
    assertTrue(
        neededByDefault.stream().noneMatch(p -> p.resource().equals("secrets")),
        "the default operator needs no Secret: " + neededByDefault);
    assertEquals("false", operatorEnv(m, "ZEROMESH_CURVE_GENERATED_KEYS"));
    assertEquals("false", operatorEnv(m, "ZEROMESH_CURVE_READ_SECRETS"));
  }

  private static void assertClusterWide(Manifests m, Set<Permission> needed, String situation) {
    Set<Permission> neededWithLease = new TreeSet<>(needed);
    neededWithLease.addAll(OperatorRbac.LEADER_ELECTION.keySet());
    assertCovers(effective(m, "some-namespace"), needed, situation);
    assertWithin(effective(m, "some-namespace"), needed, situation);
    assertCovers(effective(m, NAMESPACE), OperatorRbac.LEADER_ELECTION.keySet(), NAMESPACE);
    assertWithin(effective(m, NAMESPACE), neededWithLease, situation + ", its own namespace");
    assertWithin(effectiveClusterScoped(m), needed, situation + ", through ClusterRoleBindings");
  }

  private static String operatorEnv(Manifests m, String name) {
    return m.operatorEnv().get(name);
  }

  private static void assertNamespaced(Manifests m, Set<Permission> needed, String situation) {
    for (String namespace : List.of("team-a", "team-b")) {
      assertCovers(effective(m, namespace), needed, situation + ", in watched " + namespace);
      assertWithin(effective(m, namespace), needed, situation + ", in watched " + namespace);
    }
    assertWithin(effective(m, "not-watched"), Set.of(), situation + ", in an unwatched namespace");
    assertWithin(
        effective(m, NAMESPACE),
        OperatorRbac.LEADER_ELECTION.keySet(),
        situation + ", in its own namespace");
    assertTrue(m.ofKind("ClusterRole").isEmpty(), "a ClusterRole in namespaced mode: " + situation);
    assertTrue(
        m.ofKind("ClusterRoleBinding").isEmpty(),
        "a ClusterRoleBinding in namespaced mode: " + situation);
  }

  @Test
  void noDroppedPermissionIsGrantedInAnySetting() {
    for (Setting setting : everySetting()) {
      Manifests m = ChartFixture.render(setting.values());
      for (String namespace : List.of("team-a", "some-namespace", NAMESPACE)) {
        Set<Permission> granted = effective(m, namespace);
        List<String> leaked =
            OperatorRbac.DROPPED.entrySet().stream()
                .filter(d -> granted.stream().anyMatch(g -> d.getKey().coveredBy(g)))
                .map(d -> d.getKey() + " (" + d.getValue() + ")")
                .toList();
        assertTrue(
            leaked.isEmpty(), "granted in " + namespace + " with " + setting + ": " + leaked);
      }
    }
  }

  @Test
  void secretsAreClusterWideOnlyWhenAskedForAndNeverWhenNamespaced() {
    Manifests all = ChartFixture.render();
    assertFalse(
        Permission.expand(at(all.get("ClusterRole", RELEASE), "rules")).stream()
            .anyMatch(p -> p.resource().equals("secrets")),
        "Secrets belong in their own role");
    assertEquals(
        Set.of("get"),
        secretVerbs(ChartFixture.render(READ_SECRETS).get("ClusterRole", RELEASE + "-secrets")),
        "the Secrets ClusterRole with curve.readSecrets");
    assertEquals(
        Set.of("get", "list", "watch", "create", "patch", "delete"),
        secretVerbs(ChartFixture.render(GENERATED_KEYS).get("ClusterRole", RELEASE + "-secrets")),
        "the Secrets ClusterRole with curve.generatedKeys");

    Manifests scoped = ChartFixture.render(SCOPED);
    for (String kind : List.of("ClusterRole", "ClusterRoleBinding")) {
      assertTrue(scoped.ofKind(kind).isEmpty(), kind + " rendered although namespaced");
    }
    assertTrue(
        effective(scoped, "team-a").containsAll(OperatorRbac.GENERATED_KEYS.keySet())
            && effective(scoped, "team-a").containsAll(OperatorRbac.READ_SECRETS.keySet()),
        "a watched namespace's Role grants the generated keypairs' and the named Secrets' calls");
  }

  private static Set<String> secretVerbs(Map<String, Object> role) {
    return Permission.expand(at(role, "rules")).stream()
        .filter(p -> p.resource().equals("secrets"))
        .map(Permission::verb)
        .collect(Collectors.toSet());
  }

  @Test
  void crdReaderOnlyWhenTheSdkChecksCrds() {
    assertTrue(ChartFixture.render().find("ClusterRole", RELEASE + "-crd-reader").isEmpty());
    Manifests m =
        ChartFixture.render(
            SCOPED + "extraEnv: [{name: QUARKUS_OPERATOR_SDK_CRD_VALIDATE, value: \"true\"}]\n");
    assertEquals(
        Set.of(
            new Permission("apiextensions.k8s.io", "customresourcedefinitions", "get"),
            new Permission("apiextensions.k8s.io", "customresourcedefinitions", "list")),
        effectiveClusterScoped(m));
  }

  @Test
  void leaderElectionOffDropsTheLease() {
    Set<Permission> withoutElection =
        effective(ChartFixture.render("leaderElection: {enabled: false}\n"), NAMESPACE);
    assertTrue(
        withoutElection.stream().noneMatch(p -> p.resource().equals("leases")),
        "" + withoutElection);
  }

  @Test
  void everyRuleSaysWhyTheCodeNeedsIt() {
    for (Setting setting : everySetting()) {
      List<String> lines = ChartFixture.renderText(setting.values()).lines().toList();
      int rules = 0;
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).trim().startsWith("- apiGroups:")) {
          rules++;
          assertTrue(
              i > 0 && lines.get(i - 1).trim().startsWith("#"),
              "rule without a comment saying why: line "
                  + (i + 1)
                  + " of the rendering with "
                  + setting);
        }
      }
      assertTrue(rules >= 9, "only " + rules + " rules rendered");
    }
  }

  @Test
  void theChecksFailOnAMissingAndOnAnExtraPermission() {
    Set<Permission> granted = new TreeSet<>(effective(ChartFixture.render(), "some-namespace"));
    granted.removeIf(p -> p.resource().equals("deployments"));
    AssertionError missing =
        assertThrows(AssertionError.class, () -> assertCovers(granted, neededByDefault, "mutated"));
    assertTrue(missing.getMessage().contains("apps/deployments create"), missing.getMessage());

    granted.add(new Permission("", "configmaps", "get"));
    AssertionError extra =
        assertThrows(AssertionError.class, () -> assertWithin(granted, neededByDefault, "mutated"));
    assertTrue(extra.getMessage().contains("core/configmaps get"), extra.getMessage());
  }

  /**
   * What the operator's ServiceAccount may do in a namespace: rules of ClusterRoles bound by
   * ClusterRoleBindings, plus rules of Roles (or ClusterRoles) bound by RoleBindings there.
   */
  static Set<Permission> effective(Manifests m, String namespace) {
    Set<Permission> granted = new TreeSet<>(effectiveClusterScoped(m));
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

  /** Rules of the ClusterRoles bound cluster-wide: they apply everywhere. */
  static Set<Permission> effectiveClusterScoped(Manifests m) {
    Set<Permission> granted = new TreeSet<>();
    for (Map<String, Object> binding : m.ofKind("ClusterRoleBinding")) {
      if (bindsServiceAccount(binding)) {
        assertEquals("ClusterRole", at(binding, "roleRef", "kind"));
        granted.addAll(rulesOf(m, "ClusterRole", at(binding, "roleRef", "name"), null));
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

  /** Every needed permission is granted. */
  static void assertCovers(
      Set<Permission> granted, Collection<Permission> needed, String situation) {
    List<String> missing = new ArrayList<>();
    for (Permission p : needed) {
      if (granted.stream().noneMatch(p::coveredBy)) {
        missing.add(p.toString());
      }
    }
    assertTrue(
        missing.isEmpty(),
        "the chart does not grant, "
            + situation
            + ", what the operator needs: "
            + new TreeSet<>(missing)
            + ". Add it to zeromesh-operator.namespacedRules in _helpers.tpl, with its reason.");
  }

  /** Nothing is granted beyond what is needed (exactly: a wildcard or wider name is extra). */
  static void assertWithin(
      Set<Permission> granted, Collection<Permission> needed, String situation) {
    Set<Permission> extra = new TreeSet<>(granted);
    extra.removeAll(needed);
    assertTrue(
        extra.isEmpty(),
        "the chart grants, "
            + situation
            + ", what the operator does not need: "
            + extra
            + ". Remove it from the chart's roles, or add it to OperatorRbac.ADDED with the reason"
            + " the code needs it.");
  }
}
