package io.caprovisioner.jobs;

/** One line an operator can read, from any failure. */
public final class Errors {
  private static final int MAX = 2000;

  private Errors() {
  }

  public static String message(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String m = t.getMessage();
    String text = m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    return text.length() > MAX ? text.substring(0, MAX) + "..." : text;
  }
}
