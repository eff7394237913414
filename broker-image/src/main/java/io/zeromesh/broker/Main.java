package io.zeromesh.broker;

/** Entry point of the broker image. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("usage: zeromesh-broker queue|forwarder|streamer|probe [flags]");
    System.exit(2);
  }
}
