package io.zeromesh.operator.it;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request the fixture's client (the operator's, in-process) sends, with the answer's code;
 * and hooks that run just before a request to a given path leaves, to change the cluster at that
 * exact moment (a race made deterministic).
 */
final class ApiCalls implements Interceptor {
  /** One request and the code of its answer. */
  record Call(String method, String path, String body, int code) {}

  private final Map<java.util.UUID, Call> calls = new ConcurrentHashMap<>();
  private final List<java.util.UUID> order = new ArrayList<>();
  private final Map<String, Runnable> before = new ConcurrentHashMap<>();

  /** Runs {@code hook} before each request with this method to this path, until removed. */
  void beforeEach(String method, String path, Runnable hook) {
    before.put(method + " " + path, hook);
  }

  void removeHook(String method, String path) {
    before.remove(method + " " + path);
  }

  /** The calls so far with this method to this path, in order. */
  List<Call> to(String method, String path) {
    List<java.util.UUID> ids;
    synchronized (order) {
      ids = List.copyOf(order);
    }
    return ids.stream()
        .map(calls::get)
        .filter(c -> c.method().equals(method) && c.path().equals(path))
        .toList();
  }

  /** Every call so far other than a GET (reads and watches), in order. */
  List<Call> writes() {
    List<java.util.UUID> ids;
    synchronized (order) {
      ids = List.copyOf(order);
    }
    return ids.stream().map(calls::get).filter(c -> !c.method().equals("GET")).toList();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Runnable hook = before.get(request.method() + " " + request.uri().getPath());
    if (hook != null) {
      hook.run();
    }
  }

  /** Called with the request as sent (the one {@link #before} sees is copied) and any answer. */
  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    Call call =
        new Call(request.method(), request.uri().getPath(), request.bodyString(), response.code());
    if (calls.putIfAbsent(request.id(), call) == null) {
      synchronized (order) {
        order.add(request.id());
      }
    }
  }
}
