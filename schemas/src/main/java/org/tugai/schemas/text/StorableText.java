package org.tugai.schemas.text;

import java.util.Optional;

/**
 * Text that PostgreSQL (and a ranger's phone) can hold: no NUL, no other C0 control character (tab,
 * line feed and carriage return only where a field is free text), no unpaired surrogate, and a
 * bounded length. PostgreSQL refuses NUL in {@code text} outright, so one such character would make
 * every later update of the same row fail; every input path checks its strings here before they
 * become records.
 */
public final class StorableText {

  private StorableText() {}

  /**
   * What is wrong with {@code value} as field {@code field} (a name or id: no control character at
   * all), if anything.
   */
  public static Optional<String> problemInName(String field, String value, int maxLength) {
    return problem(field, value, maxLength, false);
  }

  /** What is wrong with {@code value} as free text (tab and line breaks allowed), if anything. */
  public static Optional<String> problemInText(String field, String value, int maxLength) {
    return problem(field, value, maxLength, true);
  }

  private static Optional<String> problem(
      String field, String value, int maxLength, boolean freeText) {
    if (value == null) {
      return Optional.empty();
    }
    if (value.length() > maxLength) {
      return Optional.of(field + " has " + value.length() + " characters; at most " + maxLength);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        return Optional.of(
            field + " contains a NUL character (at " + i + "), which the store cannot hold");
      }
      if (control(c, freeText)) {
        return Optional.of(
            field
                + " contains control character U+"
                + String.format("%04X", (int) c)
                + " (at "
                + i
                + ")");
      }
      if (unpairedSurrogate(value, i)) {
        return Optional.of(field + " contains an unpaired surrogate (at " + i + ")");
      }
    }
    return Optional.empty();
  }

  /** NUL, another C0 control character or DEL; tab and line breaks count only outside free text. */
  private static boolean control(char c, boolean freeText) {
    return (c < 0x20 || c == 0x7f) && !(freeText && (c == '\t' || c == '\n' || c == '\r'));
  }

  /**
   * Half of a surrogate pair without its other half: not a character, and not valid UTF-8 once
   * encoded.
   */
  private static boolean unpairedSurrogate(String value, int i) {
    char c = value.charAt(i);
    return Character.isHighSurrogate(c)
            && (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1)))
        || Character.isLowSurrogate(c)
            && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
  }

  /**
   * {@code value} with every character the store cannot hold replaced by U+FFFD: for text made from
   * input that was already accepted (an old record), where refusing is no longer possible but
   * storing must be.
   */
  public static String clean(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean bad = control(c, true) || unpairedSurrogate(value, i);
      if (bad && out == null) {
        out = new StringBuilder(value.length()).append(value, 0, i);
      }
      if (out != null) {
        out.append(bad ? '\uFFFD' : c);
      }
    }
    return out == null ? value : out.toString();
  }

  /**
   * {@code value} with every character the store cannot hold written as a visible escape
   * (backslash, u, four hex digits): for reasons and sources that quote hostile input, so the quote
   * itself can always be stored and read.
   */
  public static String escape(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean bad = control(c, false) || unpairedSurrogate(value, i);
      if (bad && out == null) {
        out = new StringBuilder(value.length() + 8).append(value, 0, i);
      }
      if (out != null) {
        if (bad) {
          out.append(String.format("\\u%04X", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? value : out.toString();
  }
}
