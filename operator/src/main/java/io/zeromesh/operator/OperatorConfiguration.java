package io.zeromesh.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.zeromesh.operator.resources.OperatorDefaults;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The operator's settings (application.properties, overridable by ZEROMESH_* env), as beans. */
public class OperatorConfiguration {
  private static final Logger LOG = Logger.getLogger(OperatorConfiguration.class);

  @ConfigProperty(name = "zeromesh.broker-image")
  String brokerImage;

  @ConfigProperty(name = "zeromesh.broker-image-pull-policy")
  String brokerImagePullPolicy;

  @ConfigProperty(name = "zeromesh.curve.generated-keys")
  boolean generatedCurveKeys;

  @ConfigProperty(name = "zeromesh.curve.read-secrets")
  boolean readCurveSecrets;

  @ConfigProperty(name = "zeromesh.leader-election")
  boolean leaderElection;

  @ConfigProperty(name = "zeromesh.leader-election-lease")
  String leaseName;

  @Produces
  @Singleton
  OperatorDefaults defaults() {
    LOG.infof("default device image %s (pull policy %s)", brokerImage, brokerImagePullPolicy);
    LOG.info(
        generatedCurveKeys
            ? "CURVE keypair Secrets generated on demand (Secrets watched where resources are)"
            : "CURVE keypairs not generated: Secrets neither watched nor written; resources must"
                + " name theirs in spec.curve.secretName");
    LOG.info(
        readCurveSecrets
            ? "CURVE Secrets that resources name are read: checked in status, rotation rolls pods"
            : "CURVE Secrets that resources name are not read (only the pods mount them): a"
                + " missing one keeps the pods from starting; after a rotation run kubectl rollout"
                + " restart");
    return new OperatorDefaults(
        brokerImage, brokerImagePullPolicy, generatedCurveKeys, readCurveSecrets);
  }

  /**
   * Leader election through a Lease in the operator's namespace, when ZEROMESH_LEADER_ELECTION is
   * true; null (no election) otherwise, which the Quarkus Operator SDK accepts.
   */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection() {
    if (!leaderElection) {
      LOG.info("leader election off");
      return null;
    }
    LOG.infof("leader election on, lease %s", leaseName);
    return new LeaderElectionConfiguration(leaseName);
  }

  /**
   * The SDK's reconciliation metrics on /q/metrics, per controller only. The Quarkus Operator SDK's
   * default also tags them per resource, which adds series for every resource ever seen (thousands
   * with thousands of resources); this bean replaces that default.
   */
  @Produces
  @Singleton
  Metrics metrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
