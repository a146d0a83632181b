package io.caprovisioner.k8s.model;

import io.caprovisioner.tenant.TenantNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pure: the desired Secrets {@code ca-db} and {@code ca-admin} of a tenant (the chart reads them by these keys). */
public final class TenantSecrets {
  public static final String DATABASE = "ca-db";
  public static final String ADMIN = "ca-admin";
  public static final String ADMIN_USER = "administrator";

  private TenantSecrets() {
  }

  public static Secret database(TenantNames names, String host, int port, String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("host", host);
    data.put("port", Integer.toString(port));
    data.put("database", names.database());
    data.put("user", names.dbUser());
    data.put("password", password);
    return secret(names, DATABASE, data);
  }

  public static Secret admin(TenantNames names, String password, String email) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("user", ADMIN_USER);
    data.put("password", password);
    data.put("email", email);
    return secret(names, ADMIN, data);
  }

  /** The decoded values of a live Secret, whichever of data / stringData holds them. */
  public static Map<String, String> values(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      out.putAll(s.getStringData());
    }
    return out;
  }

  private static Secret secret(TenantNames names, String name, Map<String, String> values) {
    Map<String, String> data = new LinkedHashMap<>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(names.namespace())
        .withLabels(TenantLabels.of(names)).endMetadata().withType("Opaque").withData(data).build();
  }
}
