package io.caprovisioner.onboarding;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The pages' stylesheet and scripts, {@code /assets/onboarding/<file>}, read from the jar once at
 * start. Files, not inline code, so the Content-Security-Policy can forbid inline script and style.
 */
public final class PageAssets {
  public static final String PATH = PageHtml.ASSETS;
  private static final Map<String, String> TYPES = Map.of("page.css", "text/css; charset=utf-8",
      "signup.js", "text/javascript; charset=utf-8", "welcome.js", "text/javascript; charset=utf-8");

  private final Map<String, Buffer> files;

  public PageAssets() {
    java.util.HashMap<String, Buffer> read = new java.util.HashMap<>();
    for (String name : TYPES.keySet()) {
      try (InputStream in = PageAssets.class.getResourceAsStream("/onboarding/" + name)) {
        if (in == null) {
          throw new IllegalStateException("onboarding/" + name + " is missing from the jar");
        }
        read.put(name, Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    this.files = Map.copyOf(read);
  }

  public void mount(Router router) {
    router.get(PATH + "/:file").handler(ctx -> {
      String name = ctx.pathParam("file");
      Buffer body = files.get(name);
      if (body == null) {
        PageResponses.error(ctx, 404, "not_found", "no such file");
        return;
      }
      PageResponses.secure(ctx).putHeader("Content-Type", TYPES.get(name)).putHeader("Cache-Control", "no-cache")
          .end(body);
    });
  }
}
