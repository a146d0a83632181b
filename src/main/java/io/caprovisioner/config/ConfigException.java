package io.caprovisioner.config;

/** A configuration the service refuses to start with; the message names the variable. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
