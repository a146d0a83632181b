package io.caprovisioner.onboarding;

import io.caprovisioner.config.Config;
import io.caprovisioner.web.HtmlEscape;

/**
 * The pages of {@code /credentials/{token}}: plain HTML, every value escaped. The one script (the
 * copy button) runs under a per-response nonce; nothing else may run or load.
 */
final class CredentialsPages {
  private final Config.Brand brand;

  CredentialsPages(Config.Brand brand) {
    this.brand = brand;
  }

  /** A usable link: one deliberate click shows the password (a mail scanner's GET shows nothing). */
  String confirm() {
    return page("Your administrator password", """
        <h1>Your administrator password</h1>
        <p>This link shows the password of your site's administrator account <strong>once</strong>.
        Have somewhere safe to note it down, then continue.</p>
        <form method="post"><button type="submit" id="reveal">Show my password</button></form>
        """, null);
  }

  String revealed(String siteUrl, String username, String password, String nonce) {
    String site = HtmlEscape.text(siteUrl);
    return page("Your administrator password", """
        <h1>Your administrator password</h1>
        <p>This is the only time it is shown: note it down now.</p>
        <dl>
          <dt>Site</dt><dd><a href="%s">%s</a></dd>
          <dt>Username</dt><dd><code id="username">%s</code></dd>
          <dt>Password</dt><dd><code id="password">%s</code>
            <button type="button" id="copy">Copy</button> <span id="copied" aria-live="polite"></span></dd>
        </dl>
        <p><strong>Change it after your first login</strong> (Manage &gt; Access control &gt; Users).</p>
        <script nonce="%s">
          document.getElementById('copy').addEventListener('click', function () {
            navigator.clipboard.writeText(document.getElementById('password').textContent).then(function () {
              document.getElementById('copied').textContent = 'Copied';
            });
          });
        </script>
        """.formatted(site, site, HtmlEscape.text(username), HtmlEscape.text(password), nonce), nonce);
  }

  String used() {
    return page("This link was already used", """
        <h1>This link was already used</h1>
        <p>The password behind it was shown once, and the link no longer works.</p>
        """ + newLink(), null);
  }

  String expired() {
    return page("This link has expired", """
        <h1>This link has expired</h1>
        <p>Password links work for a limited time only.</p>
        """ + newLink(), null);
  }

  String replaced() {
    return page("This link was replaced", """
        <h1>This link was replaced</h1>
        <p>A newer message carries a newer link (or a new password was set since); only that one works.</p>
        """ + newLink(), null);
  }

  String unknown() {
    return page("This link is not valid", """
        <h1>This link is not valid</h1>
        <p>Check that the whole link from the message was opened.</p>
        """ + newLink(), null);
  }

  private String newLink() {
    String support = HtmlEscape.text(brand.supportEmail());
    return "<p>To get a new link (with a new password), write to <a href=\"mailto:" + support + "\">" + support
        + "</a> from the address the welcome message went to.</p>\n";
  }

  private String page(String title, String body, String nonce) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <meta name="robots" content="noindex"><title>%s · %s</title>
        <style>body{font-family:sans-serif;line-height:1.5;max-width:36em;margin:2em auto;padding:0 1em}
        code{font-size:1.2em;background:#f3f4f6;padding:.1em .3em}button{font-size:1em;padding:.4em 1em}</style>
        </head><body>
        %s<p><small>%s</small></p>
        </body></html>
        """.formatted(HtmlEscape.text(title), HtmlEscape.text(brand.name()), body, HtmlEscape.text(brand.name()));
  }
}
