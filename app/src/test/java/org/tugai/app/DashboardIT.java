package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.api.ApiService;
import org.tugai.api.auth.ApiTokens;
import org.tugai.api.auth.Role;
import org.tugai.app.registry.RegistryCommand;
import org.tugai.avro.Deployment;
import org.tugai.avro.DeviceType;
import org.tugai.core.config.KafkaSettings;
import org.tugai.core.config.Settings;
import org.tugai.embedded.MqttPublishing;
import org.tugai.embedded.junit.Infrastructure;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.MqttTopics;

/**
 * The dashboard in headless Chromium (Debian's chromium and chromedriver) over the whole pipeline:
 * the layers render from the API, a person at a reserve's camera at night arrives as a live alert,
 * and the acknowledge button brings it back acknowledged, in the browser and in the store. Saves
 * target/dashboard.png.
 */
@ExtendWith(TugaiInfrastructure.class)
class DashboardIT {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path state;
  @TempDir Path profile;

  @Test
  void layersRenderALiveAlertArrivesAndAcknowledgingItWorks(Infrastructure infra) throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no headless Chromium here: install Debian's chromium and chromium-driver (.ci/run does) to run the browser test");
    String prefix = Infrastructure.uniqueName("dash") + ".";
    Infrastructure.Database db = infra.newDatabase();
    Settings settings =
        Settings.of(
            Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", infra.kafkaBootstrapServers()),
                Map.entry("kafka.topic-prefix", prefix),
                Map.entry("mqtt.url", infra.mqttUrl()),
                Map.entry("db.url", db.url()),
                Map.entry("db.user", db.user()),
                Map.entry("db.password", db.password()),
                Map.entry("http.port", "0"),
                Map.entry("gateway.client-id", Infrastructure.uniqueName("gw")),
                Map.entry("streams.state-dir", state.toString()),
                Map.entry("streams.commit-interval", "100ms")));
    String camera = Infrastructure.uniqueName("CT").replace("-", "");
    String collar = Infrastructure.uniqueName("TJ");
    try (Services services = Services.configure(settings, Set.copyOf(Services.ALL))) {
      services.start();
      int port = services.get(ApiService.class).port();
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(db.url());
      ds.setUser(db.user());
      ds.setPassword(db.password());
      String token =
          new ApiTokens(ds).create("Ranger Dilnoza", Role.ADMIN, List.of(), null).token();

      // A camera in the Beshai Palangon reserve and a collared deer next to it.
      Instant since = Instant.now().minus(30, ChronoUnit.DAYS);
      RegistryCommand.publish(
          KafkaSettings.from(settings),
          List.of(
              Deployment.newBuilder()
                  .setDeploymentId("dep-" + camera)
                  .setDeviceId(camera)
                  .setDeviceType(DeviceType.CAMERA)
                  .setSiteId("site-" + camera)
                  .setLat(37.25)
                  .setLon(68.32)
                  .setDeployOn(since)
                  .build(),
              Deployment.newBuilder()
                  .setDeploymentId("dep-" + collar)
                  .setDeviceId(collar)
                  .setDeviceType(DeviceType.COLLAR)
                  .setAnimalId("BD-dash")
                  .setSpecies("Cervus elaphus bactrianus")
                  .setPopulation("Tj1")
                  .setDeployOn(since)
                  .build()));
      MqttClient device =
          new MqttClient(
              infra.mqttUrl(), Infrastructure.uniqueName("dev"), new MemoryPersistence());
      device.connect(new MqttConnectionOptions());
      Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
      for (int i = 0; i < 6; i++) {
        MqttPublishing.publish(
            device,
            MqttTopics.collarFixes(collar),
            ("{\"collarId\":\""
                    + collar
                    + "\",\"fixTime\":\""
                    + t.plusSeconds(900L * i)
                    + "\",\"lat\":"
                    + (37.20 + i * 0.004)
                    + ",\"lon\":"
                    + (68.30 + i * 0.003)
                    + ",\"hdop\":1.1,\"satellites\":8,\"fixType\":\"3D\",\"batteryV\":3.64}")
                .getBytes(StandardCharsets.UTF_8));
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  count(db, "SELECT count(*) FROM fixes WHERE collar_id = ?", collar) == 6
                      && count(db, "SELECT count(*) FROM deployments WHERE device_id = ?", camera)
                          == 1);

      WebDriver browser = chromium();
      try {
        browser.get("http://127.0.0.1:" + port + "/#token=" + token);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> "live".equals(text(browser, "live").replace("feed: ", "")));
        // Layers: drawn as SVG paths from /api/v1/layers, no tiles.
        assertThat(browser.findElements(By.cssSelector("path.layer-countries")))
            .hasSizeGreaterThan(3);
        assertThat(browser.findElements(By.cssSelector("path.layer-protected-area"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("path.layer-hotspot"))).isNotEmpty();
        assertThat(text(browser, "layers-status"))
            .contains("countries")
            .contains("protected-area")
            .contains("population-unit");
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    !browser.findElements(By.cssSelector("path.track")).isEmpty()
                        && !browser
                            .findElements(By.cssSelector("#animals li[data-animal-id='BD-dash']"))
                            .isEmpty());
        browser.findElement(By.cssSelector("#animals li[data-animal-id='BD-dash']")).click();
        assertThat(text(browser, "animal-facts")).contains("3.64 V").contains("active");
        assertThat(browser.findElements(By.cssSelector(".camera-icon"))).isNotEmpty();

        // A person at the camera at night: streams raises an intrusion, the feed pushes it to the
        // open page.
        Instant night = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        MqttPublishing.publish(
            device,
            MqttTopics.cameraDetections(camera),
            ("{\"cameraId\": \""
                    + camera
                    + "\", \"eventId\": \"e1\", \"capturedAt\": \""
                    + night
                    + "\", \"media\": [\"e1.jpg\"], \"model\": \"MDv5a\", "
                    + "\"detections\": [{\"class\": \"person\", \"confidence\": 0.93}]}")
                .getBytes(StandardCharsets.UTF_8));
        By alertItem = By.cssSelector("#alerts li[data-status='open']");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !browser.findElements(alertItem).isEmpty());
        WebElement alert = browser.findElement(alertItem);
        String alertId = alert.getAttribute("data-alert-id");
        assertThat(alert.getText()).contains("intrusion");
        assertThat(browser.findElements(By.cssSelector("path.alert-marker"))).isNotEmpty();
        screenshot(browser, "dashboard.png");

        alert.findElement(By.cssSelector("button.ack")).click();
        By acknowledged =
            By.cssSelector(
                "#alerts li[data-status='acknowledged'][data-alert-id='" + alertId + "']");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> !browser.findElements(acknowledged).isEmpty());
        assertThat(browser.findElement(acknowledged).getText())
            .contains("acknowledged by Ranger Dilnoza");
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    count(
                            db,
                            "SELECT count(*) FROM alerts WHERE alert_id = ? AND status = 'acknowledged'",
                            alertId)
                        == 1);
        screenshot(browser, "dashboard-acknowledged.png");

        // A ranger of the reserve: the alerts of their zone and live positions, but no tracks and
        // no crossings.
        String ranger =
            new ApiTokens(ds)
                .create("Ranger Farrukh", Role.RANGER, List.of("pa-beshai-palangon"), null)
                .token();
        browser.get("about:blank");
        browser.get("http://127.0.0.1:" + port + "/#token=" + ranger);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    "live".equals(text(browser, "live").replace("feed: ", ""))
                        && !browser
                            .findElements(
                                By.cssSelector("#alerts li[data-alert-id='" + alertId + "']"))
                            .isEmpty()
                        && !browser
                            .findElements(By.cssSelector("#animals li[data-animal-id='BD-dash']"))
                            .isEmpty());
        assertThat(text(browser, "who")).contains("ranger").contains("pa-beshai-palangon");
        assertThat(browser.findElement(By.id("crossings-section")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("path.track"))).isEmpty();
      } finally {
        browser.quit();
        device.disconnect();
      }
    }
  }

  private WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // Without the background-networking flags Chromium keeps dialling Google's hosts, which this
    // network refuses.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static String text(WebDriver browser, String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static long count(Infrastructure.Database db, String sql, String arg) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
