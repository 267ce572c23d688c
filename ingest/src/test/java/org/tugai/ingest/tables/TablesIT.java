package org.tugai.ingest.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tugai.avro.AlertStatus;
import org.tugai.avro.Deployment;
import org.tugai.avro.Fix;
import org.tugai.avro.FixType;
import org.tugai.core.config.DbSettings;
import org.tugai.core.config.Settings;
import org.tugai.core.failure.Failure;
import org.tugai.core.failure.SqlFailures;
import org.tugai.core.store.Store;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.ingest.Samples;
import org.tugai.ingest.sink.SinkRecord;
import org.tugai.ingest.sink.Table;

/**
 * Each table against real PostgreSQL: COPY-staged upserts that a replay never doubles, and values
 * that survive escaping.
 */
@ExtendWith(TugaiInfrastructure.class)
class TablesIT {

  private static Store store;
  private static long offset;

  @BeforeAll
  static void migrate(Infrastructure infra) {
    Infrastructure.Database db = infra.newDatabase();
    store =
        Store.open(
            DbSettings.from(
                Settings.of(
                    Map.of(
                        "db.url", db.url(), "db.user", db.user(), "db.password", db.password()))),
            "tables-it",
            2,
            false);
    store.migrate();
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void fixesWrittenTwiceLandOnceAndKeepTheFirstReceiveTime() throws Exception {
    List<Fix> fixes = new ArrayList<>();
    for (int m = 0; m < 500; m++) {
      fixes.add(Samples.fix("TJ-T-1", m));
    }
    write(new FixTable(), fixes);
    Fix replayed =
        Fix.newBuilder(fixes.get(3))
            .setReceivedAt(fixes.get(3).getReceivedAt().plusSeconds(3_600))
            .setBatteryV(3.1)
            .build();
    write(new FixTable(), List.of(replayed));
    write(new FixTable(), fixes.subList(0, 100));

    assertThat(
            query(
                "SELECT count(*), count(DISTINCT fix_time) FROM fixes WHERE collar_id = 'TJ-T-1'"))
        .isEqualTo("500|500");
    assertThat(
            query(
                "SELECT battery_v, received_at = '"
                    + fixes.get(3).getReceivedAt()
                    + "'::timestamptz FROM fixes"
                    + " WHERE collar_id = 'TJ-T-1' AND fix_time = '"
                    + fixes.get(3).getFixTime()
                    + "'"))
        .isEqualTo("3.6|t");
  }

  @Test
  void anArgosPositionKeepsItsClassAndErrorEllipse() throws Exception {
    Fix f =
        Fix.newBuilder(Samples.fix("TJ-T-ARGOS", 0))
            .setLocationClass("A")
            .setErrorRadiusM(1_250.0)
            .setErrorSemiMajorM(2_900.0)
            .setErrorSemiMinorM(410.0)
            .setErrorEllipseOrientationDeg(122.5)
            .build();
    write(new FixTable(), List.of(f));
    assertThat(
            query(
                "SELECT location_class, error_radius_m, error_semi_major_m, error_semi_minor_m, error_ellipse_orientation_deg"
                    + " FROM fixes WHERE collar_id = 'TJ-T-ARGOS'"))
        .isEqualTo("A|1250|2900|410|122.5");
  }

  @Test
  void awkwardTextSurvivesTheCopyFormat() throws Exception {
    String nasty = "tab\there \\back\\slash \"quoted\", {braces} new\nline ünï¢ødé 鹿";
    Fix f =
        Fix.newBuilder(Samples.fix("TJ-T-2", 0))
            .setSource(nasty)
            .setZones(List.of(nasty, "NULL", ""))
            .setLat(null)
            .setLon(null)
            .setFixType(FixType.NONE)
            .build();
    write(new FixTable(), List.of(f));
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT source, zones, lat, fix_type FROM fixes WHERE collar_id = 'TJ-T-2'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(nasty);
      assertThat((String[]) rs.getArray(2).getArray()).containsExactly(nasty, "NULL", "");
      assertThat(rs.getObject(3)).isNull();
      assertThat(rs.getString(4)).isEqualTo("none");
    }
  }

  @Test
  void aNulCharacterIsPoisonNotAnOutage() {
    Fix f = Fix.newBuilder(Samples.fix("TJ-T-3", 0)).setSource("nul\u0000inside").build();
    assertThatThrownBy(() -> write(new FixTable(), List.of(f)))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(SqlFailures.classify(e)).isEqualTo(Failure.POISON));
  }

  @Test
  void aResentCameraEventReplacesItsDetections() throws Exception {
    write(
        new CameraEventTable(),
        List.of(Samples.event("CT-T-1", "e1", 3), Samples.event("CT-T-1", "e2", 1)));
    write(new CameraEventTable(), List.of(Samples.event("CT-T-1", "e1", 2)));
    assertThat(query("SELECT count(*) FROM camera_events WHERE camera_id = 'CT-T-1'"))
        .isEqualTo("2");
    assertThat(
            query(
                "SELECT detection_count, array_length(media, 1) FROM camera_events WHERE event_id = 'e1'"))
        .isEqualTo("2|2");
    assertThat(
            query(
                "SELECT string_agg(category || ':' || detection_index, ',' ORDER BY detection_index), max(bbox_h)"
                    + " FROM detections WHERE camera_id = 'CT-T-1' AND event_id = 'e1'"))
        .isEqualTo("person:0,animal:1|0.4");
    assertThat(query("SELECT count(*) FROM detections WHERE camera_id = 'CT-T-1'")).isEqualTo("3");
  }

  @Test
  void aDeploymentTombstoneRetractsWithoutDeleting() throws Exception {
    write(new DeploymentTable(), List.of(Samples.deployment("dep-T-1", "TJ-T-9", "deer-9")));
    SinkRecord<Deployment> tombstone = new SinkRecord<>("dep-T-1", null, null, "t", 0, offset++, 0);
    try (Connection c = store.dataSource().getConnection()) {
      new DeploymentTable().write(c, List.of(tombstone));
      c.commit();
    }
    assertThat(
            query(
                "SELECT animal_id, device_type, retracted FROM deployments WHERE deployment_id = 'dep-T-1'"))
        .isEqualTo("deer-9|collar|t");
    write(new DeploymentTable(), List.of(Samples.deployment("dep-T-1", "TJ-T-9", "deer-9")));
    assertThat(query("SELECT retracted FROM deployments WHERE deployment_id = 'dep-T-1'"))
        .isEqualTo("f");
  }

  @Test
  void theLatestAlertUpdateWinsAndEveryUpdateIsHistory() throws Exception {
    write(
        new AlertTable(),
        List.of(
            Samples.alert("A-T-1", AlertStatus.OPEN, 0, 1),
            Samples.alert("A-T-1", AlertStatus.OPEN, 10, 5)));
    write(new AlertTable(), List.of(Samples.alert("A-T-1", AlertStatus.ACKNOWLEDGED, 20, 5)));
    // A replay of an older update arrives last.
    write(new AlertTable(), List.of(Samples.alert("A-T-1", AlertStatus.OPEN, 10, 5)));
    assertThat(
            query(
                "SELECT status, acknowledged_by, array_length(evidence, 1), details->>'confidence' FROM alerts"
                    + " WHERE alert_id = 'A-T-1'"))
        .isEqualTo("acknowledged|ranger-7|5|0.93");
    assertThat(
            query(
                "SELECT string_agg(status || ':' || evidence_count, ',' ORDER BY updated_at) FROM alert_status_history"
                    + " WHERE alert_id = 'A-T-1'"))
        .isEqualTo("open:1,open:5,acknowledged:5");
  }

  @Test
  void anOlderCrossingRevisionNeverOverwritesANewerOne() throws Exception {
    write(new CrossingTable(), List.of(Samples.crossing("X-T-1", 2)));
    write(new CrossingTable(), List.of(Samples.crossing("X-T-1", 1)));
    assertThat(query("SELECT revision, status FROM crossings WHERE crossing_id = 'X-T-1'"))
        .isEqualTo("2|confirmed");
  }

  @Test
  void dailyPositionsAverageGoodFixesOnly() throws Exception {
    List<Fix> day = new ArrayList<>();
    for (int m = 0; m < 10; m++) {
      day.add(Samples.fix("TJ-T-4", m * 60));
    }
    day.set(9, Fix.newBuilder(day.get(9)).setLat(89.0).setQualityFlags(List.of("outlier")).build());
    write(new FixTable(), day);
    assertThat(
            query(
                "SELECT fixes, round(lat::numeric, 4) FROM daily_positions WHERE animal_id = 'deer-TJ-T-4'"))
        .isEqualTo("9|" + BigDecimal.valueOf(37.3 + 240 * 1e-4).setScale(4, RoundingMode.HALF_UP));
  }

  @SuppressWarnings("unchecked")
  private static <V> void write(Table<V> table, List<V> values) throws SQLException {
    Map<Object, SinkRecord<V>> byKey = new LinkedHashMap<>();
    for (V v : values) {
      SinkRecord<V> r = new SinkRecord<>("k", v, new byte[0], "t", 0, offset++, 0);
      byKey.merge(table.naturalKey(r), r, table::pick);
    }
    try (Connection c = store.dataSource().getConnection()) {
      try {
        table.write(c, new ArrayList<>(byKey.values()));
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static String query(String sql) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      List<String> cols = new ArrayList<>();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        cols.add(rs.getString(i));
      }
      c.rollback();
      return String.join("|", cols);
    }
  }
}
