package io.zeromesh.operator.resources;

import java.util.List;

/**
 * What the references of a resource point at, as the device and workers need it.
 *
 * @param upstreams forwarder upstreams in the daemon's form, {@code tcp://host:port|p1,p2}
 * @param output where pipeline workers send results, or null
 */
public record ResolvedReferences(List<String> upstreams, String output) {
  public static final ResolvedReferences NONE = new ResolvedReferences(List.of(), null);
}
