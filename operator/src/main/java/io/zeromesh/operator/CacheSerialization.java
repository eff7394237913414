package io.zeromesh.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client never reads (nor sends) {@code metadata.managedFields}.
 *
 * <p>They are the largest part of what the informers cache: about as large as the fields the
 * operator sets, as nested maps, for every child and custom resource (70% of the heap retained with
 * 1,000 resources, see the benchmark in operator/README.md). Nothing the operator does reads them:
 * children are matched by their applied-state stamp ({@code reconciler.AppliedState}), not by
 * JOSDK's managedFields matcher, and server-side apply neither needs nor accepts them in a request.
 * An update that omits them leaves them as they are on the server (the Lease of leader election).
 */
@Singleton
public class CacheSerialization implements KubernetesClientObjectMapperCustomizer {
  @JsonIgnoreProperties({"managedFields"})
  private abstract static class WithoutManagedFields {}

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
  }
}
