package io.zeromesh.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.zeromesh.operator.resources.ConfigHash;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a child is in its desired state, without {@code metadata.managedFields}: the informer
 * caches do not hold them ({@code io.zeromesh.operator.CacheSerialization}), so JOSDK's
 * server-side-apply matcher, which prunes the child to the fields its manager owns, cannot be used.
 *
 * <p>Every apply stamps the child with {@value #ANNOTATION}, a hash of the desired object it sent.
 * A child matches when
 *
 * <ol>
 *   <li>its stamp is the hash of what is desired now (so a change of the desired state, including a
 *       field that is no longer set, is applied), and
 *   <li>every field of the desired object is in the child with the same value (so an edit by
 *       someone else of a field the operator sets is reverted). Fields the API server adds
 *       (defaults, {@code clusterIP}, {@code status}) are ignored; a desired zero value ({@code
 *       false}, {@code 0}, {@code ""}, empty list or map) matches a missing field, as the API
 *       server omits them; resource quantities compare by amount ({@code 0.5} is {@code 500m}).
 * </ol>
 *
 * <p>It differs from the managedFields matcher in one case: an element that someone else added to a
 * list the operator sets (an extra container or port) makes the child mismatch, so it is applied
 * again at each reconcile (a no-op for the API server: no write, no event, no loop).
 */
final class AppliedState {
  /** The hash of the desired object last applied. */
  static final String ANNOTATION = "zeromesh.io/applied";

  /** Annotations that are not part of the desired state: the stamp, JOSDK's event filter. */
  private static final Set<String> NOT_HASHED =
      Set.of(ANNOTATION, InformerEventSource.PREVIOUS_ANNOTATION_KEY);

  /** Keys under which values are resource quantities. */
  private static final Set<String> QUANTITIES = Set.of("limits", "requests", "sizeLimit");

  private AppliedState() {}

  /** Stamps the desired object, before it is applied, with the hash of itself. */
  static void stamp(HasMetadata desired, KubernetesSerialization serialization) {
    desired.getMetadata().getAnnotations().put(ANNOTATION, hash(desired, serialization));
  }

  /**
   * The hash of a desired object: its JSON without the annotations above and without owner
   * references (JOSDK adds them on the way to the API server, on some paths before this is
   * computed; they are compared as fields). One serialization of the object itself, which is
   * restored before this returns.
   */
  static String hash(HasMetadata desired, KubernetesSerialization serialization) {
    ObjectMeta meta = desired.getMetadata();
    Map<String, String> annotations = meta.getAnnotations();
    List<OwnerReference> owners = meta.getOwnerReferences();
    Map<String, String> hashed = new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
    NOT_HASHED.forEach(hashed::remove);
    try {
      meta.setAnnotations(hashed.isEmpty() ? null : hashed);
      meta.setOwnerReferences(null);
      return ConfigHash.of(serialization.asJson(desired));
    } finally {
      meta.setAnnotations(annotations);
      meta.setOwnerReferences(owners);
    }
  }

  /** Whether {@code actual} (a cached child, or null) is in the state {@code desired} describes. */
  @SuppressWarnings("unchecked")
  static boolean matches(
      HasMetadata actual, HasMetadata desired, KubernetesSerialization serialization) {
    if (actual == null) {
      return false;
    }
    String applied = actual.getMetadata().getAnnotations().get(ANNOTATION);
    if (applied == null || !applied.equals(hash(desired, serialization))) {
      return false;
    }
    Map<String, Object> want = serialization.convertValue(desired, Map.class);
    if (want.get("metadata") instanceof Map<?, ?> meta
        && meta.get("annotations") instanceof Map<?, ?> annotations) {
      // JOSDK's event-filter annotation is rewritten by every apply; never a difference.
      annotations.remove(InformerEventSource.PREVIOUS_ANNOTATION_KEY);
    }
    return contains(serialization.convertValue(actual, Map.class), want, false);
  }

  /** Whether every field of {@code desired} is in {@code actual} with the same value. */
  static boolean contains(Object actual, Object desired, boolean quantities) {
    if (desired == null) {
      return true;
    }
    if (actual == null) {
      return zero(desired);
    }
    if (desired instanceof Map<?, ?> want) {
      if (!(actual instanceof Map<?, ?> have)) {
        return false;
      }
      for (Map.Entry<?, ?> field : want.entrySet()) {
        boolean q = quantities || QUANTITIES.contains(String.valueOf(field.getKey()));
        if (!contains(have.get(field.getKey()), field.getValue(), q)) {
          return false;
        }
      }
      return true;
    }
    if (desired instanceof List<?> want) {
      if (!(actual instanceof List<?> have) || have.size() != want.size()) {
        return false;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!contains(have.get(i), want.get(i), quantities)) {
          return false;
        }
      }
      return true;
    }
    if (desired.equals(actual)) {
      return true;
    }
    if (desired instanceof Number want && actual instanceof Number have) {
      return new BigDecimal(want.toString()).compareTo(new BigDecimal(have.toString())) == 0;
    }
    if (quantities && desired instanceof String want && actual instanceof String have) {
      try {
        return new Quantity(want)
                .getNumericalAmount()
                .compareTo(new Quantity(have).getNumericalAmount())
            == 0;
      } catch (RuntimeException notAQuantity) {
        return false;
      }
    }
    return false;
  }

  /** A value the API server omits when it is set (Go's omitempty). */
  private static boolean zero(Object value) {
    return Boolean.FALSE.equals(value)
        || "".equals(value)
        || (value instanceof Number n && new BigDecimal(n.toString()).signum() == 0)
        || (value instanceof Map<?, ?> m && m.isEmpty())
        || (value instanceof List<?> l && l.isEmpty());
  }
}
