package org.tugai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.chromium.HasNetworkConditions;
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
import org.tugai.embedded.junit.TopicContents;
import org.tugai.embedded.junit.TugaiInfrastructure;
import org.tugai.schemas.MqttTopics;
import org.tugai.schemas.SchemaCatalog;
import org.tugai.schemas.Topics;

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
                  .setDeploymentId("dep-" + camera + "b")
                  .setDeviceId(camera + "b")
                  .setDeviceType(DeviceType.CAMERA)
                  .setSiteId("site-" + camera + "b")
                  .setLat(37.262)
                  .setLon(68.335)
                  .setDeployOn(since)
                  .build(),
              Deployment.newBuilder()
                  .setDeploymentId("dep-" + camera + "c")
                  .setDeviceId(camera + "c")
                  .setDeviceType(DeviceType.CAMERA)
                  .setSiteId("site-" + camera + "c")
                  .setLat(37.271)
                  .setLon(68.341)
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
                          == 1
                      && count(
                              db,
                              "SELECT count(*) FROM deployments WHERE device_id LIKE ?",
                              camera + "_")
                          == 2);

      WebDriver browser = chromium();
      WeakLink link = new WeakLink(port);
      try {
        browser.get("http://127.0.0.1:" + link.port() + "/#token=" + token);
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
            .contains("population-unit")
            .contains("rivers")
            .contains("towns");
        // The context that orients: rivers, lakes, country and town names, river names, a scale.
        assertThat(browser.findElements(By.cssSelector("path.layer-rivers"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector(".place-label.country")))
            .extracting(e -> e.getAttribute("textContent"))
            .contains("Tajikistan", "Uzbekistan", "Afghanistan");
        assertThat(browser.findElements(By.cssSelector(".place-label.town"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector(".layer-river-names")))
            .extracting(e -> e.getAttribute("textContent"))
            .contains("Amu Darya", "Panj", "Vakhsh");
        assertThat(browser.findElement(By.cssSelector(".leaflet-control-scale")).isDisplayed())
            .isTrue();
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
        browser.get("http://127.0.0.1:" + link.port() + "/#token=" + ranger);
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

        onAPhoneOfflineAndBack(browser, link, infra, db, prefix, device, camera, alertId);
      } finally {
        browser.quit();
        link.close();
        device.disconnect();
      }
    }
  }

  /**
   * The ranger's phone: map and alerts on one screen, an alert's position and a way there; then the
   * link drops, the page says so and keeps what it knew, an acknowledgement made offline waits on
   * the device (across a reload) and reaches the station exactly once when the link is back.
   */
  private void onAPhoneOfflineAndBack(
      WebDriver browser,
      WeakLink link,
      Infrastructure infra,
      Infrastructure.Database db,
      String prefix,
      MqttClient device,
      String cameras,
      String acknowledgedBefore)
      throws Exception {
    browser.manage().window().setSize(new Dimension(390, 844));
    // Off unless the ranger turns it on; headless Chromium has no vibrator, so the call is
    // recorded.
    WebElement notify = browser.findElement(By.id("notify"));
    assertThat(notify.isSelected()).isFalse();
    notify.click();
    ((JavascriptExecutor) browser)
        .executeScript(
            "window.vibrations = []; navigator.vibrate = (p) => { vibrations.push(p); return true; };");
    String camera = cameras + "b";
    person(device, camera, "e2");
    By open = By.cssSelector("#alerts li[data-status='open']");
    await().atMost(Duration.ofSeconds(60)).until(() -> !browser.findElements(open).isEmpty());
    assertThat(((JavascriptExecutor) browser).executeScript("return window.vibrations.length"))
        .as("one vibration for the new critical alert")
        .isEqualTo(1L);
    WebElement card = browser.findElement(open);
    String alertId = card.getAttribute("data-alert-id");
    assertThat(alertId).isNotEqualTo(acknowledgedBefore);
    // Open alerts first: the new one heads the list, above the acknowledged one.
    assertThat(
            browser.findElements(By.cssSelector("#alerts li")).get(0).getAttribute("data-alert-id"))
        .isEqualTo(alertId);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(onScreen(browser, By.id("map")))
                  .as("the map on the phone's screen")
                  .isTrue();
              assertThat(onScreen(browser, open)).as("the alert on the phone's screen").isTrue();
            });
    assertThat(browser.findElement(By.id("map")).getRect().getHeight()).isGreaterThan(200);

    card.click();
    WebElement detail = browser.findElement(By.id("alert-detail"));
    await().atMost(Duration.ofSeconds(5)).until(detail::isDisplayed);
    assertThat(detail.findElement(By.cssSelector(".coords")).getText())
        .matches("37\\.26\\d*, 68\\.33\\d*");
    assertThat(detail.findElement(By.cssSelector("a.geo")).getAttribute("href"))
        .startsWith("geo:37.26");
    assertThat(detail.getText()).contains(camera).contains("e2.jpg").contains("acknowledge");
    assertThat(detail.findElement(By.cssSelector("a.geo")).isDisplayed()).isTrue();
    // The ranger stands 2 km south of the camera and lets the page use the phone's position.
    ChromeDriver chrome = (ChromeDriver) browser;
    URI page = URI.create(browser.getCurrentUrl());
    chrome.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            page.getScheme() + "://" + page.getAuthority(),
            "permissions",
            List.of("geolocation")));
    chrome.executeCdpCommand(
        "Emulation.setGeolocationOverride",
        Map.of("latitude", 37.244, "longitude", 68.335, "accuracy", 12));
    detail.findElement(By.id("locate")).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> browser.findElement(By.id("alert-detail")).getText().contains("from you"));
    assertThat(browser.findElement(By.id("alert-detail")).getText())
        .contains("2.0 km N (bearing 0°) from you, ±12 m");
    screenshot(browser, "dashboard-phone.png");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "open -"
                    .equals(
                        query(
                            db,
                            "SELECT status || ' ' || coalesce(acknowledged_by, '-') FROM alerts"
                                + " WHERE alert_id = ?",
                            alertId)));
    // The shell is on the device before the link goes.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Boolean.TRUE.equals(
                    ((JavascriptExecutor) browser)
                        .executeScript("return !!navigator.serviceWorker.controller")));
    HasNetworkConditions network = (HasNetworkConditions) browser;
    ChromiumNetworkConditions cut = new ChromiumNetworkConditions();
    cut.setOffline(true);
    cut.setLatency(Duration.ZERO);
    network.setNetworkConditions(cut);
    link.cut();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> text(browser, "net").startsWith("offline since"));
    assertThat(browser.findElement(By.id("stale")).getText()).contains("Showing what was known at");
    assertThat(browser.findElements(By.cssSelector("#alerts li"))).hasSizeGreaterThanOrEqualTo(2);

    browser
        .findElement(By.cssSelector("#alerts li[data-alert-id='" + alertId + "'] button.ack"))
        .click();
    By queued =
        By.cssSelector("#alerts li[data-alert-id='" + alertId + "'] [data-ack-state='queued']");
    await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(queued).isEmpty());
    // The page, its script, styles and Leaflet are kept on the device by the service worker.
    Object shell =
        ((JavascriptExecutor) browser)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + " caches.open('tugai-shell-v1').then((c) => c.keys())"
                    + ".then((keys) => done(keys.map((r) => new URL(r.url).pathname)));");
    assertThat(shell.toString())
        .contains("/dashboard.js", "/dashboard.css", "/webjars/leaflet/1.9.4/dist/leaflet.js");
    // The phone is switched off and on in the valley: the page opens with no link at all, from
    // what the device kept: its shell, the last alerts and the waiting acknowledgement.
    browser.navigate().refresh();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                text(browser, "net").startsWith("offline since")
                    && !browser.findElements(queued).isEmpty());
    assertThat(browser.findElement(By.id("stale")).getText()).contains("Showing what was known at");
    assertThat(browser.findElements(By.cssSelector("#alerts li")))
        .extracting(e -> e.getAttribute("data-alert-id"))
        .contains(alertId, acknowledgedBefore);
    assertThat(browser.findElements(By.cssSelector("path.layer-countries")))
        .as("the layers from what was kept")
        .hasSizeGreaterThan(3);
    Object keptAcks =
        ((JavascriptExecutor) browser)
            .executeScript(
                "return Object.keys(localStorage).filter((k) => k.endsWith('-acks'))"
                    + ".map((k) => localStorage.getItem(k)).join(' ');");
    assertThat(keptAcks.toString()).contains(alertId).contains("\"state\":\"queued\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> browser.findElement(By.id("ack-queue")).isDisplayed());
    assertThat(browser.findElement(By.id("ack-queue")).getText())
        .contains("1 acknowledgement waiting");
    screenshot(browser, "dashboard-phone-offline.png");
    assertThat(
            count(
                db, "SELECT count(*) FROM alerts WHERE alert_id = ? AND status = 'open'", alertId))
        .as("nothing reached the station while the link was down")
        .isEqualTo(1);
    // Meanwhile at the station: a person at a third camera, an alert the page has not seen.
    person(device, cameras + "c", "e3");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                        db,
                        "SELECT count(*) FROM alerts WHERE device_id = ? AND status = 'open'",
                        cameras + "c")
                    == 1);
    String missed = query(db, "SELECT alert_id FROM alerts WHERE device_id = ?", cameras + "c");
    By missedCard = By.cssSelector("#alerts li[data-alert-id='" + missed + "']");
    assertThat(browser.findElements(missedCard)).isEmpty();

    link.restore();
    network.deleteNetworkConditions();
    By acknowledged =
        By.cssSelector("#alerts li[data-status='acknowledged'][data-alert-id='" + alertId + "']");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                            db,
                            "SELECT count(*) FROM alerts WHERE alert_id = ? AND status = 'acknowledged'"
                                + " AND acknowledged_by = 'Ranger Farrukh'",
                            alertId)
                        == 1
                    && !browser.findElements(acknowledged).isEmpty());
    assertThat(text(browser, "net")).isEqualTo("online");
    // The feed took up where it left off: what was missed is fetched, and shown once.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> browser.findElements(missedCard).size() == 1);
    assertThat(browser.findElements(By.cssSelector("#alerts li")))
        .extracting(e -> e.getAttribute("data-alert-id"))
        .doesNotHaveDuplicates();
    String acks = Topics.of(prefix, SchemaCatalog.released()).alertAcks().name();
    assertThat(
            TopicContents.read(infra.kafkaBootstrapServers(), acks).stream()
                .filter(r -> alertId.equals(r.key())))
        .as("the queued acknowledgement was sent once")
        .hasSize(1);
  }

  private static void person(MqttClient device, String camera, String eventId) throws Exception {
    Instant night = Instant.now().minus(30, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
    MqttPublishing.publish(
        device,
        MqttTopics.cameraDetections(camera),
        ("{\"cameraId\": \""
                + camera
                + "\", \"eventId\": \""
                + eventId
                + "\", \"capturedAt\": \""
                + night
                + "\", \"media\": [\""
                + eventId
                + ".jpg\"], \"model\": \"MDv5a\", "
                + "\"detections\": [{\"class\": \"person\", \"confidence\": 0.91}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Some of the element is inside the viewport. */
  private static boolean onScreen(WebDriver browser, By by) {
    return Boolean.TRUE.equals(
        ((JavascriptExecutor) browser)
            .executeScript(
                "const r = arguments[0].getBoundingClientRect();"
                    + " return r.height > 0 && r.top < innerHeight && r.bottom > 0"
                    + " && r.left < innerWidth && r.right > 0;",
                browser.findElement(by)));
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

  private static String query(Infrastructure.Database db, String sql, String arg) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
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
