package io.caprovisioner.gitimport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a forge's push notification against GIT_WEBHOOK_TOKEN, in the form each forge sends:
 * GitHub {@code X-Hub-Signature-256: sha256=<hmac>}, Gitea/Forgejo {@code X-Gitea-Signature: <hmac>},
 * GitLab {@code X-Gitlab-Token: <token>}, or {@code Authorization: Bearer <token>}. All
 * comparisons are constant-time.
 */
public final class PushSignature {
  private final byte[] token;

  public PushSignature(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** @param header a request header by (case-insensitive) name */
  public boolean verify(byte[] body, Function<String, String> header) {
    Optional<String> github = Optional.ofNullable(header.apply("X-Hub-Signature-256"));
    if (github.isPresent()) {
      String v = github.get().trim();
      return v.startsWith("sha256=") && equal(v.substring(7).toLowerCase(), hmacHex(body));
    }
    Optional<String> gitea = Optional.ofNullable(header.apply("X-Gitea-Signature"))
        .or(() -> Optional.ofNullable(header.apply("X-Forgejo-Signature")));
    if (gitea.isPresent()) {
      return equal(gitea.get().trim().toLowerCase(), hmacHex(body));
    }
    Optional<String> gitlab = Optional.ofNullable(header.apply("X-Gitlab-Token"));
    if (gitlab.isPresent()) {
      return MessageDigest.isEqual(token, gitlab.get().getBytes(StandardCharsets.UTF_8));
    }
    String auth = header.apply("Authorization");
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        && MessageDigest.isEqual(token, auth.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  String hmacHex(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean equal(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
