package org.tugai.streams.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tugai.core.config.ConfigException;
import org.tugai.core.config.Settings;

class AlertsConfigTest {

  @Test
  void overridesInheritTheBaseAndAZoneWinsOverASpecies() {
    AlertsConfig c =
        AlertsConfig.from(
            Settings.of(
                Map.of(
                    "alerts.immobility.radius-m",
                    "20",
                    "alerts.by-species.Cervus elaphus bactrianus.immobility.critical-after",
                    "11h",
                    "alerts.by-zone.pa-x.immobility.radius-m",
                    "40")));
    assertThat(c.params(List.of(), null).immobilityRadiusM()).isEqualTo(20);
    AlertParams deer = c.params(List.of("elsewhere"), "Cervus elaphus bactrianus");
    assertThat(deer.immobilityCriticalAfter()).isEqualTo(Duration.ofHours(11));
    assertThat(deer.immobilityRadiusM()).isEqualTo(20);
    AlertParams inZone = c.params(List.of("pa-x"), "Cervus elaphus bactrianus");
    assertThat(inZone.immobilityRadiusM()).isEqualTo(40);
    assertThat(inZone.immobilityCriticalAfter()).isEqualTo(Duration.ofHours(10));
    assertThat(c.longestRuleWindow()).isEqualTo(Duration.ofHours(22));
  }

  @Test
  void aBadOverrideNamesItsKey() {
    assertThatThrownBy(
            () ->
                AlertsConfig.from(
                    Settings.of(Map.of("alerts.by-zone.pa-x.intrusion.min-confidence", "1.5"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts.by-zone.pa-x.intrusion.min-confidence")
        .hasMessageContaining("out of range");
    assertThatThrownBy(
            () -> AlertsConfig.from(Settings.of(Map.of("alerts.geofence.dwell", "soon"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("alerts.geofence.dwell");
  }
}
