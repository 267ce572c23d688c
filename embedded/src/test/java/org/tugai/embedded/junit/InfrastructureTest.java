package org.tugai.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InfrastructureTest {

  @Test
  void swapsTheDatabaseInAJdbcUrlKeepingParameters() {
    assertThat(Infrastructure.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres", "x"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/x");
    assertThat(Infrastructure.withDatabase("jdbc:postgresql://db:5433/tugai?sslmode=disable", "x"))
        .isEqualTo("jdbc:postgresql://db:5433/x?sslmode=disable");
  }

  @Test
  void uniqueNamesDiffer() {
    assertThat(Infrastructure.uniqueName("a"))
        .startsWith("a-")
        .isNotEqualTo(Infrastructure.uniqueName("a"));
  }
}
