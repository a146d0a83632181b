package io.caprovisioner.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantNamesTest {
  /** RFC 1123 label, as Kubernetes requires for namespaces. */
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern MYSQL_IDENT = Pattern.compile("^[a-z][a-z0-9_]*$");
  private static final Pattern CA_APP_NAME = Pattern.compile("^[A-Za-z0-9_]+$");

  static void assertValid(TenantNames n) {
    assertThat(n.namespace()).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
    assertThat(n.helmRelease()).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(TenantNames.HELM_RELEASE_MAX);
    assertThat(n.application()).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
    assertThat(n.database()).matches(MYSQL_IDENT).hasSizeLessThanOrEqualTo(TenantNames.MYSQL_DATABASE_MAX);
    assertThat(n.dbUser()).matches(MYSQL_IDENT).hasSizeLessThanOrEqualTo(TenantNames.MYSQL_USER_MAX);
    assertThat(n.appName()).matches(CA_APP_NAME);
    for (String label : n.domain().split("\\.")) {
      assertThat(label).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
    }
    assertThat(n.shard()).matches("^[0-9a-f]{2}$");
  }

  @Test
  void generatedIdsGiveValidUniqueNames() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 5000; i++) {
      String id = TenantNames.generateId();
      assertThat(id).hasSize(8).matches("^[a-z][a-z2-7]{7}$");
      TenantNames n = TenantNames.of(id, "collectiveaccess.example.org");
      assertValid(n);
      assertThat(n.namespace()).isEqualTo("tenant-" + id);
      assertThat(n.database()).isEqualTo("ca_" + id);
      assertThat(n.dbUser()).isEqualTo("ca_" + id);
      assertThat(n.appName()).isEqualTo("ca_" + id);
      assertThat(n.domain()).isEqualTo("tenant-" + id + ".collectiveaccess.example.org");
      seen.add(id);
    }
    assertThat(seen).hasSizeGreaterThan(4990);
  }

  @Test
  void slugsAtTheLimitsStayWithinEveryLength() {
    String shortest = "abc";
    String longest = "a" + "b-c".repeat(10);
    assertThat(longest).hasSize(31);
    for (String slug : new String[] {shortest, longest, "a".repeat(31), "z9-" + "9".repeat(28)}) {
      assertThat(TenantNames.isValidSlug(slug)).as(slug).isTrue();
      assertValid(TenantNames.of(slug, "museums.example.org"));
    }
  }

  @Test
  void longSlugsSharingAPrefixStillGetDistinctMysqlUsers() {
    TenantNames a = TenantNames.of("national-museum-of-modern-art-a", "x.org");
    TenantNames b = TenantNames.of("national-museum-of-modern-art-b", "x.org");
    assertThat(a.dbUser()).hasSizeLessThanOrEqualTo(32).isNotEqualTo(b.dbUser());
    assertThat(a.database()).isEqualTo("ca_national_museum_of_modern_art_a");
    // deterministic: the stored name can always be derived again the same way
    assertThat(TenantNames.of("national-museum-of-modern-art-a", "x.org")).isEqualTo(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "1abc", "Abc", "abc-", "a_b_c", "-abc", "abc.def", "a b c", "abcdefghijklmnopqrstuvwxyz789012",
      "ab\ncd", "../etc", ""})
  void badSlugsAreRefused(String slug) {
    assertThat(TenantNames.isValidSlug(slug)).isFalse();
    assertThatThrownBy(() -> TenantNames.of(slug, "x.org")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badBaseDomainIsRefused() {
    assertThatThrownBy(() -> TenantNames.of("abc", "Bad Domain")).hasMessageContaining("BASE_DOMAIN");
  }
}
