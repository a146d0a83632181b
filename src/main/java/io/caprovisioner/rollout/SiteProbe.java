package io.caprovisioner.rollout;

import io.caprovisioner.tenant.TenantNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Optional;
import java.util.function.Function;

/** Asks a tenant's site whether it answers: empty when healthy, else what it answered. */
public interface SiteProbe {
  Future<Optional<String>> problem(TenantNames names);

  /** The URL asked, for messages. */
  String url(TenantNames names);

  /**
   * A GET of {@code urlOf(names)}: any 2xx or 3xx is healthy (the front page of CollectiveAccess
   * may send the visitor to its login), anything else or no answer within 10 s is not.
   */
  static SiteProbe http(Vertx vertx, Function<TenantNames, String> urlOf) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000)
        .setTrustAll(false).setVerifyHost(true));
    return new SiteProbe() {
      @Override
      public Future<Optional<String>> problem(TenantNames names) {
        String url = urlOf.apply(names);
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setIdleTimeout(10_000))
            .compose(req -> req.send())
            .compose(resp -> resp.body().map(b -> resp.statusCode()))
            .map(code -> code >= 200 && code < 400 ? Optional.<String>empty()
                : Optional.of(url + " answered " + code))
            .recover(e -> Future.succeededFuture(Optional.of(url + " did not answer: " + e.getMessage())));
      }

      @Override
      public String url(TenantNames names) {
        return urlOf.apply(names);
      }
    };
  }

  /** The site's public address. */
  static Function<TenantNames, String> publicSite() {
    return names -> "https://" + names.domain() + "/";
  }
}
