package io.zeromesh.broker.device;

/** The device could not start or failed at run time (not a configuration error): exit code 1. */
public final class DeviceException extends RuntimeException {
  public DeviceException(String message) {
    super(message);
  }

  public DeviceException(String message, Throwable cause) {
    super(message, cause);
  }
}
