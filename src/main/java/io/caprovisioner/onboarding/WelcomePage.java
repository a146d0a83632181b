package io.caprovisioner.onboarding;

import static io.caprovisioner.onboarding.PageHtml.escape;

import io.caprovisioner.config.Config;
import java.time.Duration;

/**
 * {@code GET /welcome?session_id=}: the signup's progress as the page first shows it; welcome.js
 * then keeps every element below current from the event stream (or the JSON, its fallback), so
 * the ids here and the keys of {@link ProgressView#json()} are the page's contract.
 */
final class WelcomePage {
  private final Config.Brand brand;

  WelcomePage(Config.Brand brand) {
    this.brand = brand;
  }

  String render(ProgressView v, String sessionId) {
    StringBuilder m = new StringBuilder();
    m.append("<h1 id=\"title\">").append(escape(title(v))).append("</h1>\n");
    m.append("<label for=\"progress\" class=\"progress-label\">Progress: <span id=\"progress-text\">")
        .append(escape(progressText(v))).append("</span></label>\n");
    m.append("<progress id=\"progress\" max=\"").append(v.steps().size()).append("\" value=\"").append(v.done())
        .append("\">").append(v.done()).append(" of ").append(v.steps().size()).append("</progress>\n");
    m.append("<ol id=\"steps\" class=\"steps\">\n");
    for (ProgressView.StepView s : v.steps()) {
      m.append("<li data-key=\"").append(escape(s.step().key())).append("\" data-state=\"")
          .append(s.state().wire()).append('"').append(s.state() == ProgressView.StepState.CURRENT
              ? " aria-current=\"step\"" : "").append("><span class=\"mark\" aria-hidden=\"true\"></span>")
          .append("<span class=\"label\">").append(escape(s.step().label())).append("</span>")
          .append("<span class=\"visually-hidden state\">").append(escape(stateWords(s.state()))).append("</span>")
          .append("</li>\n");
    }
    m.append("</ol>\n");
    m.append("<p id=\"message\" class=\"message").append(v.late() ? " late" : "")
        .append("\" role=\"status\" aria-live=\"polite\">").append(escape(v.message())).append("</p>\n");
    m.append("<p id=\"timing\" class=\"timing\">").append(escape(timing(v))).append("</p>\n");
    m.append("<p id=\"name-note\" class=\"name-note\"").append(v.nameNote().isEmpty() ? " hidden" : "").append('>')
        .append(escape(v.nameNote().orElse(""))).append("</p>\n");
    m.append("<p id=\"site\"").append(v.siteUrl().isEmpty() ? " hidden" : "").append("><a id=\"site-link\" "
        + "class=\"button\" rel=\"noreferrer\" href=\"").append(escape(v.siteUrl().orElse("#"))).append("\">")
        .append("Open your site</a></p>\n");
    m.append("<p class=\"support\">Questions? Write to <a href=\"mailto:").append(escape(brand.supportEmail()))
        .append("\">").append(escape(brand.supportEmail())).append("</a>.</p>\n");
    m.append("<noscript><p>This page updates by itself with JavaScript; without it, reload it to see the "
        + "current state.</p></noscript>");
    return PageHtml.page(brand.name(), title(v), m.toString(), "welcome.js", "session", sessionId);
  }

  static String title(ProgressView v) {
    return switch (v.phase()) {
      case READY -> "Your site is ready";
      case FAILED -> "We could not finish your site";
      case UNAVAILABLE -> "Your site";
      default -> "Setting up your site";
    };
  }

  static String progressText(ProgressView v) {
    return v.done() + " of " + v.steps().size() + " steps done";
  }

  static String stateWords(ProgressView.StepState s) {
    return switch (s) {
      case DONE -> " (done)";
      case CURRENT -> " (in progress)";
      case PENDING -> " (to do)";
    };
  }

  /** The same words welcome.js writes. */
  static String timing(ProgressView v) {
    StringBuilder b = new StringBuilder();
    v.elapsed().ifPresent(e -> b.append(v.phase() == ProgressView.Phase.READY ? "Took " : "Elapsed: ")
        .append(words(e)).append('.'));
    v.typicalRemaining().ifPresent(r -> b.append(b.length() > 0 ? " " : "").append("Usually about ")
        .append(words(r)).append(" more."));
    return b.toString();
  }

  static String words(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + (s == 1 ? " second" : " seconds");
    }
    long min = Math.round(s / 60.0);
    return min + (min == 1 ? " minute" : " minutes");
  }
}
