package org.tugai.schemas.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorableTextTest {

  @Test
  void nulAndControlCharactersAreProblemsAndNamedWithTheirField() {
    assertThat(StorableText.problemInName("by", "ranger\u0000", 128))
        .hasValueSatisfying(p -> assertThat(p).contains("by").contains("NUL"));
    assertThat(StorableText.problemInName("by", "ranger\u001b[2J", 128))
        .hasValueSatisfying(p -> assertThat(p).contains("U+001B"));
    assertThat(StorableText.problemInName("by", "line\nbreak", 128)).isPresent();
    assertThat(StorableText.problemInText("note", "line\nbreak\ttab", 2000)).isEmpty();
    assertThat(StorableText.problemInText("note", "x".repeat(2001), 2000))
        .hasValueSatisfying(p -> assertThat(p).contains("2001"));
    assertThat(StorableText.problemInText("note", "bad \ud800 half", 2000))
        .hasValueSatisfying(p -> assertThat(p).contains("surrogate"));
    assertThat(StorableText.problemInName("by", "Дильноза 🦌", 128)).isEmpty();
  }

  @Test
  void cleaningReplacesOnlyWhatTheStoreCannotHold() {
    assertThat(StorableText.clean("a\u0000b\u0007c\nd 🦌")).isEqualTo("a\uFFFDb\uFFFDc\nd 🦌");
    String fine = "Zarafshon";
    assertThat(StorableText.clean(fine)).isSameAs(fine);
    assertThat(StorableText.clean(null)).isNull();
  }

  @Test
  void escapingMakesHostileQuotesStorableAndVisible() {
    assertThat(StorableText.escape("id \u0000 and \u001b and \ud800 end"))
        .isEqualTo("id \\u0000 and \\u001B and \\uD800 end");
    assertThat(StorableText.problemInName("reason", StorableText.escape("a\u0000\nb"), 100))
        .isEmpty();
    String fine = "Amu Darya 🦌";
    assertThat(StorableText.escape(fine)).isSameAs(fine);
  }
}
