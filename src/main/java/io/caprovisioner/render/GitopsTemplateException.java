package io.caprovisioner.render;

/** A template that cannot be read or used; the message names the file and what is wrong. */
public class GitopsTemplateException extends RuntimeException {
  public GitopsTemplateException(String message) {
    super(message);
  }
}
