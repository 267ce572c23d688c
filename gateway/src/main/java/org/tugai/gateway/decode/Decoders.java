package org.tugai.gateway.decode;

import java.util.function.Consumer;

/**
 * Every decoder the gateway has, built once from the validation window and the LoRaWAN profiles.
 */
public record Decoders(
    NativeFixDecoder fixes,
    NativeCameraEventDecoder cameras,
    MegaDetectorDecoder megaDetector,
    LorawanUplinkDecoder ttn,
    LorawanUplinkDecoder chirpstack,
    AlertAckDecoder acks) {

  public static Decoders of(TimeWindow window, LorawanProfiles profiles) {
    return of(window, profiles, MegaDetectorDecoder.DEFAULT_MIN_CONFIDENCE, reason -> {});
  }

  /**
   * @param minConfidence MegaDetector detections below it are dropped
   * @param skipped told why each MegaDetector detection was left out
   */
  public static Decoders of(
      TimeWindow window, LorawanProfiles profiles, double minConfidence, Consumer<String> skipped) {
    return new Decoders(
        new NativeFixDecoder(window),
        new NativeCameraEventDecoder(window),
        new MegaDetectorDecoder(window, minConfidence, skipped),
        new LorawanUplinkDecoder(LorawanUplinkDecoder.Server.TTN_V3, window, profiles),
        new LorawanUplinkDecoder(LorawanUplinkDecoder.Server.CHIRPSTACK_V4, window, profiles),
        new AlertAckDecoder());
  }
}
