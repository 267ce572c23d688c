package org.tugai.streams.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tugai.avro.Fix;

class SharedValuesTest {

  private static Fix decoded(String country, String... flags) {
    // New instances each time, as a decoder makes them.
    return Fix.newBuilder()
        .setCollarId(new String("TJ-BD-001"))
        .setFixTime(Instant.parse("2026-03-01T00:00:00Z"))
        .setReceivedAt(Instant.parse("2026-03-01T00:00:01Z"))
        .setSource(new String("local:tugai/v1/collars/TJ-BD-001/fixes"))
        .setDeploymentId(new String("dep-1"))
        .setCountry(country == null ? null : new String(country))
        .setZones(new ArrayList<>(List.of(new String("tigrovaya-balka"))))
        .setQualityFlags(new ArrayList<>(List.of(flags)))
        .build();
  }

  @Test
  void equalValuesAreSharedAndDifferentOnesKept() {
    Fix like = decoded("TJK");
    Fix fix = decoded("AFG", "outlier");
    SharedValues.share(fix, like);
    assertThat(fix.getCollarId()).isSameAs(like.getCollarId());
    assertThat(fix.getSource()).isSameAs(like.getSource());
    assertThat(fix.getDeploymentId()).isSameAs(like.getDeploymentId());
    assertThat(fix.getZones()).isSameAs(like.getZones());
    assertThat(fix.getCountry()).isEqualTo("AFG");
    assertThat(fix.getQualityFlags()).containsExactly("outlier");
    assertThat(fix.getAnimalId()).isNull();
  }

  @Test
  void aWindowSharesAlongItsFixesAndStaysEqual() {
    List<Fix> window = List.of(decoded("TJK"), decoded("TJK"), decoded(null), decoded(null));
    List<Fix> copies = new ArrayList<>();
    window.forEach(f -> copies.add(Fix.newBuilder(f).build()));
    SharedValues.shareAll(window);
    assertThat(window).isEqualTo(copies);
    assertThat(window.get(3).getCollarId()).isSameAs(window.get(0).getCollarId());
    assertThat(window.get(1).getCountry()).isSameAs(window.get(0).getCountry());
    assertThat(window.get(3).getCountry()).isNull();
  }
}
