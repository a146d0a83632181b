package io.caprovisioner.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretBoxTest {
  static final String OLD = "old-key-0123456789abcdef0123456789abcdef";
  static final String NEW = "new-key-0123456789abcdef0123456789abcdef";
  /** Sealed by the first version (no key id) under LEGACY_KEY; kept as stored rows hold it. */
  static final String LEGACY_KEY = "legacy-key-0123456789abcdef0123456789";
  static final String LEGACY_VALUE = "v1:AvuftptDtmjlRQImJF9NkuF9/whweTEt3Vj7irseakjRXGFRzA7EO/KrORKeTPhtyw==";

  @Test
  void aValueNamesTheKeyThatSealedItAndOpensWithAnyListOfKeysHoldingIt() {
    String sealed = new SecretBox(OLD).seal("s3cret-password");

    assertThat(sealed).startsWith("v2:" + SecretBox.keyId(OLD) + ":").doesNotContain("s3cret");
    assertThat(new SecretBox(NEW + "," + OLD).open(sealed)).isEqualTo("s3cret-password");
    assertThat(new SecretBox(OLD + " , " + NEW).open(sealed)).isEqualTo("s3cret-password");
  }

  @Test
  void theFirstKeySeals() {
    SecretBox rotating = new SecretBox(NEW + "," + OLD);

    String sealed = rotating.seal("pw");

    assertThat(sealed).startsWith("v2:" + SecretBox.keyId(NEW) + ":");
    assertThat(new SecretBox(NEW).open(sealed)).isEqualTo("pw");
    assertThat(rotating.isSealedWithSealingKey(sealed)).isTrue();
    assertThat(rotating.isSealedWithSealingKey(new SecretBox(OLD).seal("pw"))).isFalse();
  }

  @Test
  void aValueWhoseKeyWasRemovedSaysWhichKeyItNeeds() {
    String sealed = new SecretBox(OLD).seal("pw");

    assertThatThrownBy(() -> new SecretBox(NEW).open(sealed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sealed with key " + SecretBox.keyId(OLD) + ", which is not among SECRET_KEY's keys ("
            + SecretBox.keyId(NEW) + ")");
  }

  @Test
  void valuesOfTheFirstVersionStillOpenWhateverThePositionOfTheirKey() {
    assertThat(new SecretBox(LEGACY_KEY).open(LEGACY_VALUE)).isEqualTo("password-sealed-by-v1");
    assertThat(new SecretBox(NEW + "," + LEGACY_KEY).open(LEGACY_VALUE)).isEqualTo("password-sealed-by-v1");
    assertThatThrownBy(() -> new SecretBox(NEW).open(LEGACY_VALUE)).hasMessageContaining("none of SECRET_KEY's keys");
  }

  @Test
  void resealingMovesAValueToTheFirstKeyAndLeavesACurrentOneAlone() {
    SecretBox rotating = new SecretBox(NEW + "," + LEGACY_KEY);

    String moved = rotating.reseal(LEGACY_VALUE);

    assertThat(new SecretBox(NEW).open(moved)).isEqualTo("password-sealed-by-v1");
    assertThat(rotating.reseal(moved)).isSameAs(moved);
  }

  @Test
  void anAlteredValueOrKeyIdIsRefused() {
    String sealed = new SecretBox(OLD).seal("pw");
    char last = sealed.charAt(sealed.length() - 3);
    String altered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(
        sealed.length() - 2);

    assertThatThrownBy(() -> new SecretBox(OLD).open(altered)).hasMessageContaining("altered");
    assertThatThrownBy(() -> new SecretBox(OLD).open("v2:00000000:" + sealed.substring(12)))
        .hasMessageContaining("sealed with key 00000000");
  }
}
