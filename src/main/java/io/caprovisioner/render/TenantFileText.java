package io.caprovisioner.render;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one way a tenant.yaml's bytes become text, wherever they come from (the branch the service
 * imports, a checkout being validated, a base revision): at most {@link #MAX_BYTES}, and strict
 * UTF-8, so a file that is not valid text is an error naming it, not a string of replacement
 * characters, and a huge file is refused before it is parsed.
 */
public final class TenantFileText {
  /** Far above any real tenant.yaml (a few hundred bytes), far below what could hurt the heap. */
  public static final int MAX_BYTES = 256 * 1024;

  private TenantFileText() {
  }

  /** Refuses before reading: for sources that know the size first (a Git blob, a file). */
  public static void checkSize(String path, long size) {
    if (size > MAX_BYTES) {
      throw new TenantYamlException("", path + ": larger than " + MAX_BYTES + " bytes (" + size + ")");
    }
  }

  public static String decode(String path, byte[] bytes) {
    checkSize(path, bytes.length);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new TenantYamlException("", path + ": not valid UTF-8 text");
    }
  }
}
