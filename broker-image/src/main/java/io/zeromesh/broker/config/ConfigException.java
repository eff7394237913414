package io.zeromesh.broker.config;

/** Invalid configuration: the message names the flag and says what is wrong. Exit code 2. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
