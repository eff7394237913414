package io.zeromesh.helm;

import io.zeromesh.helm.GeneratedRbac.Permission;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the operator's code needs, derived from the roles its build generates
 * (operator/target/kubernetes/kubernetes.yml): the Quarkus Operator SDK grants every dependent and
 * every reconciled kind the full set of verbs, so the generated set minus {@link #DROPPED} (each
 * with the reason the code does not need it) plus {@link #ADDED} (needed, not generated) is what
 * the chart must grant, and all it may grant.
 */
final class OperatorRbac {

  static final List<String> KINDS = List.of("zmqbrokers", "zmqforwarders", "zmqpipelinestages");

  /** The Lease of leader election (zeromesh.leader-election-lease in application.properties). */
  static final String LEASE = "zeromesh-operator-lock";

  /** Generated but not needed, with the reason. */
  static final Map<Permission, String> DROPPED = dropped();

  /** Needed in every reconciled namespace but not (yet) in the generated roles, with the reason. */
  static final Map<Permission, String> ADDED = added();

  /**
   * Secret permissions the code needs only when it generates CURVE keypairs
   * (ZEROMESH_CURVE_GENERATED_KEYS, the chart's curve.generatedKeys), with the reason; without, the
   * keypair dependent is never activated and no Secret informer starts.
   */
  static final Map<Permission, String> GENERATED_KEYS = generatedKeys();

  /**
   * Secret permissions the code needs only when it reads the CURVE Secrets resources name
   * (ZEROMESH_CURVE_READ_SECRETS, the chart's curve.readSecrets), with the reason; without, the
   * pods mount them and the kubelet alone reads them.
   */
  static final Map<Permission, String> READ_SECRETS =
      Map.of(
          new Permission("", "secrets", "get"),
          "UserSecrets.read gets each Secret a resource names, to check it and hash it");

  /** Needed in the operator's own namespace when leader election is on; QOSDK generates none. */
  static final Map<Permission, String> LEADER_ELECTION = leaderElection();

  private OperatorRbac() {}

  /**
   * Everything the operator needs in a namespace it reconciles, generating CURVE keypairs and
   * reading the Secrets resources name (the namespaced default).
   */
  static Set<Permission> neededInReconciledNamespace() throws IOException {
    return neededInReconciledNamespace(true, true);
  }

  /**
   * Everything the operator needs in a namespace it reconciles, with or without generated keys,
   * reading the Secrets resources name or not: the generated set, whose Secret permissions (those
   * of the keypair dependent) are kept only as far as one of the two settings needs them.
   */
  static Set<Permission> neededInReconciledNamespace(boolean generatedKeys, boolean readSecrets)
      throws IOException {
    Set<Permission> needed = new TreeSet<>(GeneratedRbac.required());
    needed.removeAll(DROPPED.keySet());
    needed.addAll(ADDED.keySet());
    Set<Permission> secrets = new TreeSet<>();
    needed.removeIf(p -> p.resource().equals("secrets") && secrets.add(p));
    for (Map<Permission, String> wanted : List.of(GENERATED_KEYS, READ_SECRETS)) {
      Set<Permission> notGenerated = new TreeSet<>(wanted.keySet());
      notGenerated.removeAll(secrets);
      if (!notGenerated.isEmpty()) {
        throw new IllegalStateException(
            "the operator's generated RBAC no longer has "
                + notGenerated
                + ": update OperatorRbac");
      }
    }
    if (generatedKeys) {
      needed.addAll(GENERATED_KEYS.keySet());
    }
    if (readSecrets) {
      needed.addAll(READ_SECRETS.keySet());
    }
    return needed;
  }

  private static Map<Permission, String> dropped() {
    Map<Permission, String> dropped = new LinkedHashMap<>();
    for (String kind : KINDS) {
      for (String verb : List.of("create", "update", "patch", "delete")) {
        dropped.put(
            new Permission("zeromesh.io", kind, verb),
            "the operator never writes its own resources: JOSDK adds no finalizer (no Cleaner;"
                + " children go through owner references) and status has its subresource");
      }
      for (String verb : List.of("get", "list", "watch", "create", "update", "delete")) {
        dropped.put(
            new Permission("zeromesh.io", kind + "/status", verb),
            "status is only patched (UpdateControl.patchStatus, a server-side apply PATCH)");
      }
      for (String verb : List.of("get", "list", "watch", "create", "patch", "delete")) {
        dropped.put(
            new Permission("zeromesh.io", kind + "/finalizers", verb),
            "no finalizer is ever set; only update stays, for blockOwnerDeletion under the"
                + " OwnerReferencesPermissionEnforcement admission plugin");
      }
    }
    dropped.put(
        new Permission("", "secrets", "update"),
        "the CURVE Secret dependent writes with server-side apply (PATCH), never PUT");
    dropped.put(
        new Permission("", "events", "patch"),
        "EventRecorder creates a new Event for each change and never patches one");
    return Map.copyOf(dropped);
  }

  private static Map<Permission, String> added() {
    Map<Permission, String> added = new LinkedHashMap<>();
    for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
      added.put(
          new Permission("apps", "statefulsets", verb),
          "StatefulSet dependents, as the Deployment ones (being added on the operator branch)");
    }
    return Map.copyOf(added);
  }

  private static Map<Permission, String> generatedKeys() {
    Map<Permission, String> keys = new LinkedHashMap<>();
    keys.put(
        new Permission("", "secrets", "get"),
        "the generated keypair is got by name while its informer has not synced");
    for (String verb : List.of("list", "watch")) {
      keys.put(
          new Permission("", "secrets", verb),
          "the informer of the generated keypair Secrets, registered when the dependent activates");
    }
    for (String verb : List.of("create", "patch")) {
      keys.put(new Permission("", "secrets", verb), "server-side apply of a generated keypair");
    }
    keys.put(
        new Permission("", "secrets", "delete"),
        "the generated keypair is deleted when CURVE is switched off");
    return Map.copyOf(keys);
  }

  private static Map<Permission, String> leaderElection() {
    String why = "fabric8's LeaseLock gets and patches the Lease; JOSDK checks get, create, update";
    return Map.of(
        new Permission("coordination.k8s.io", "leases", "create"),
        "the first candidate creates the Lease (a create cannot name its object)",
        new Permission("coordination.k8s.io", "leases", "get", LEASE),
        why,
        new Permission("coordination.k8s.io", "leases", "patch", LEASE),
        why,
        new Permission("coordination.k8s.io", "leases", "update", LEASE),
        why);
  }
}
