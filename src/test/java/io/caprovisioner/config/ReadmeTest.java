package io.caprovisioner.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.caprovisioner.stripe.StripeEventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the README tells an operator to configure matches what the code handles and reads. */
class ReadmeTest {
  static final Path README = Path.of("README.md");

  /** An event type missing from the endpoint never arrives; one too many is stored and ignored. */
  @Test
  void theStripeEndpointListNamesExactlyTheHandledEventTypes() throws Exception {
    String readme = Files.readString(README);
    int start = readme.indexOf("**On a Stripe endpoint**");
    assertThat(start).as("README tells which events to enable").isPositive();
    String list = readme.substring(start, readme.indexOf("\n\n", readme.indexOf("\n- ", start)));
    Set<String> listed = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^- `([a-z_.]+)`$").matcher(list);
    while (m.find()) {
      listed.add(m.group(1));
    }
    assertThat(listed).isEqualTo(new TreeSet<>(StripeEventTypes.HANDLED));
  }

  @Test
  void everyVariableTheConfigReadsIsInTheReadmesTable() throws Exception {
    String loader = Files.readString(Path.of("src/main/java/io/caprovisioner/config/ConfigLoader.java"));
    String readme = Files.readString(README);
    String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("### Plans"));
    Matcher m = Pattern.compile("(?:get|integer)\\(\"([A-Z_]+)\"").matcher(loader);
    Set<String> missing = new TreeSet<>();
    while (m.find()) {
      if (!table.contains("`" + m.group(1) + "`")) {
        missing.add(m.group(1));
      }
    }
    assertThat(missing).isEmpty();
  }
}
