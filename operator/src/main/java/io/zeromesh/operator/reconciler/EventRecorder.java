package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.zeromesh.operator.status.ReadyEvents.EventSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/** Records core/v1 Events on a resource; a failure to record is logged, never fatal. */
final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final String COMPONENT = "zeromesh-operator";

  private EventRecorder() {}

  static void record(KubernetesClient client, HasMetadata resource, EventSpec event) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(resource.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(resource.getMetadata().getName() + ".")
                  .withNamespace(resource.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(resource.getApiVersion())
                  .withKind(resource.getKind())
                  .withName(resource.getMetadata().getName())
                  .withNamespace(resource.getMetadata().getNamespace())
                  .withUid(resource.getMetadata().getUid())
                  .withResourceVersion(resource.getMetadata().getResourceVersion())
                  .endInvolvedObject()
                  .withType(event.type())
                  .withReason(event.reason())
                  .withMessage(event.message())
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "could not record event %s on %s/%s: %s",
          event.reason(), resource.getKind(), resource.getMetadata().getName(), e.getMessage());
    }
  }
}
