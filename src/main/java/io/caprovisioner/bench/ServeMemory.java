package io.caprovisioner.bench;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@code serve} started without a heap option holds resident: the bounded service JVM and
 * the JVM that started it and waits for it. Both are what {@code java -jar ... serve} costs, so
 * the figures are their sum; a note gives the parts.
 */
record ServeMemory(long serviceKb, OptionalLong supervisorKb) {

  /** Empty where there is no /proc to read. */
  static Optional<ServeMemory> of(Process serve, ProcMemory figure) throws IOException {
    ProcessHandle service = serve.toHandle().children().findFirst().orElse(serve.toHandle());
    OptionalLong serviceKb = figure.kb(service.pid());
    if (serviceKb.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong supervisorKb = service.pid() == serve.pid() ? OptionalLong.empty() : figure.kb(serve.pid());
    return Optional.of(new ServeMemory(serviceKb.getAsLong(), supervisorKb));
  }

  long totalMb() {
    return (serviceKb + supervisorKb.orElse(0)) / 1024;
  }

  String parts() {
    return "the service JVM " + serviceKb / 1024 + " MB" + (supervisorKb.isPresent()
        ? " + the JVM that started it with the bound " + supervisorKb.getAsLong() / 1024 + " MB" : "");
  }
}
