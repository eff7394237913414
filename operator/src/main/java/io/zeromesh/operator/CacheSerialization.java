package io.zeromesh.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * The operator's Kubernetes client never reads (nor sends) {@code metadata.managedFields}, and
 * shares the strings it reads.
 *
 * <p>They are the largest part of what the informers cache: about as large as the fields the
 * operator sets, as nested maps, for every child and custom resource (70% of the heap retained with
 * 1,000 resources, see the benchmark in operator/README.md). Nothing the operator does reads them:
 * children are matched by their applied-state stamp ({@code reconciler.AppliedState}), not by
 * JOSDK's managedFields matcher, and server-side apply neither needs nor accepts them in a request.
 * An update that omits them leaves them as they are on the server (the Lease of leader election).
 *
 * <p>What is left is mostly strings, the same ones in every child (labels, image, environment
 * names, {@code TCP}, {@code IfNotPresent}, the namespace...): each string read is interned, so the
 * caches hold one copy of each.
 */
@Singleton
public class CacheSerialization implements KubernetesClientObjectMapperCustomizer {
  @JsonIgnoreProperties({"managedFields"})
  private abstract static class WithoutManagedFields {}

  /** Jackson's own String deserializer, then the JVM's string table. */
  static final class InternedStrings extends StdScalarDeserializer<String> {
    InternedStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String value = StringDeserializer.instance.deserialize(parser, context);
      return value == null ? null : value.intern();
    }
  }

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    mapper.registerModule(
        new SimpleModule("zeromesh-interned-strings")
            .addDeserializer(String.class, new InternedStrings()));
  }
}
