package io.caprovisioner.onboarding;

import io.caprovisioner.web.HtmlEscape;
/**
 * The HTML around every customer page, and the one escaping function every value passes through
 * on its way into a page (text and attribute values alike). No inline script or style anywhere:
 * the Content-Security-Policy allows only the service's own files.
 */
final class PageHtml {
  static final String ASSETS = "/assets/onboarding";

  private PageHtml() {
  }

  /** Text or a double- or single-quoted attribute value, safely. */
  static String escape(String value) {
    return value == null ? "" : HtmlEscape.text(value);
  }

  /**
   * A whole page. {@code main} is already-escaped HTML built by the page classes; {@code script}
   * (may be null) is the name of one file under {@link #ASSETS}; {@code bodyData} are
   * {@code data-*} attributes for it (name, value pairs; values are escaped here).
   */
  static String page(String brand, String title, String main, String script, String... bodyData) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i + 1 < bodyData.length; i += 2) {
      data.append(" data-").append(bodyData[i]).append("=\"").append(escape(bodyData[i + 1])).append('"');
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta name=\"referrer\" content=\"no-referrer\">\n"
        + "<title>" + escape(title) + " \u2013 " + escape(brand) + "</title>\n"
        + "<link rel=\"stylesheet\" href=\"" + ASSETS + "/page.css\">\n"
        + (script == null ? "" : "<script src=\"" + ASSETS + "/" + script + "\" defer></script>\n")
        + "</head>\n<body" + data + ">\n<header class=\"brand\"><a href=\"/signup\">" + escape(brand)
        + "</a></header>\n<main id=\"main\">\n" + main + "\n</main>\n</body>\n</html>\n";
  }
}
