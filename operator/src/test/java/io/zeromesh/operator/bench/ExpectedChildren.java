package io.zeromesh.operator.bench;

import io.zeromesh.operator.api.v1alpha1.ZmqDevice;
import io.zeromesh.operator.resources.CurveSecretBuilder;
import io.zeromesh.operator.resources.DeviceResources;
import io.zeromesh.operator.resources.WorkerDeploymentBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Deployments, Services and Secrets the operator must make for a workload, named by the
 * operator's own naming classes: the device Deployment, the frontend and backend Services, the
 * worker Deployment when the resource runs workers, the CURVE Secret when the operator generates
 * the keypair.
 */
record ExpectedChildren(Set<String> deployments, Set<String> services, Set<String> secrets) {

  static ExpectedChildren of(List<ZmqDevice> resources) {
    Set<String> deployments = new HashSet<>();
    Set<String> services = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    for (ZmqDevice device : resources) {
      DeviceResources names = DeviceResources.of(device);
      String ns = device.getMetadata().getNamespace();
      deployments.add(key(ns, names.deviceDeployment()));
      services.add(key(ns, names.frontendService()));
      services.add(key(ns, names.backendService()));
      if (WorkerDeploymentBuilder.wanted(device)) {
        deployments.add(key(ns, names.workerDeployment()));
      }
      if (CurveSecretBuilder.generated(device.deviceSpec())) {
        secrets.add(key(ns, names.curveSecret()));
      }
    }
    return new ExpectedChildren(Set.copyOf(deployments), Set.copyOf(services), Set.copyOf(secrets));
  }

  int total() {
    return deployments.size() + services.size() + secrets.size();
  }

  static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
