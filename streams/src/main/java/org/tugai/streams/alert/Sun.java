package org.tugai.streams.alert;

import java.time.Instant;

/**
 * The sun's altitude above the horizon at a place and time, from the NOAA solar position equations
 * (accurate to a fraction of a degree between 1950 and 2050): enough to tell day, dusk and night at
 * a camera.
 */
public final class Sun {

  private Sun() {}

  /** Altitude of the sun's centre in degrees, without refraction; negative below the horizon. */
  public static double altitudeDeg(double lat, double lon, Instant time) {
    double jd = time.toEpochMilli() / 86_400_000.0 + 2_440_587.5;
    double t = (jd - 2_451_545.0) / 36_525.0;
    double l0 = normalize(280.46646 + t * (36_000.76983 + t * 0.0003032));
    double m = 357.52911 + t * (35_999.05029 - 0.0001537 * t);
    double e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
    double mr = Math.toRadians(m);
    double c =
        Math.sin(mr) * (1.914602 - t * (0.004817 + 0.000014 * t))
            + Math.sin(2 * mr) * (0.019993 - 0.000101 * t)
            + Math.sin(3 * mr) * 0.000289;
    double trueLong = l0 + c;
    double omega = 125.04 - 1_934.136 * t;
    double lambda = trueLong - 0.00569 - 0.00478 * Math.sin(Math.toRadians(omega));
    double eps0 = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
    double eps = eps0 + 0.00256 * Math.cos(Math.toRadians(omega));
    double declination =
        Math.asin(Math.sin(Math.toRadians(eps)) * Math.sin(Math.toRadians(lambda)));
    double y = Math.pow(Math.tan(Math.toRadians(eps / 2)), 2);
    double l0r = Math.toRadians(l0);
    double equationOfTimeMin =
        4
            * Math.toDegrees(
                y * Math.sin(2 * l0r)
                    - 2 * e * Math.sin(mr)
                    + 4 * e * y * Math.sin(mr) * Math.cos(2 * l0r)
                    - 0.5 * y * y * Math.sin(4 * l0r)
                    - 1.25 * e * e * Math.sin(2 * mr));
    double minutesUtc = (time.toEpochMilli() % 86_400_000L + 86_400_000L) % 86_400_000L / 60_000.0;
    double trueSolarTime = (minutesUtc + equationOfTimeMin + 4 * lon) % 1_440;
    double hourAngle = trueSolarTime / 4 - 180;
    double latR = Math.toRadians(lat);
    double cosZenith =
        Math.sin(latR) * Math.sin(declination)
            + Math.cos(latR) * Math.cos(declination) * Math.cos(Math.toRadians(hourAngle));
    return 90 - Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosZenith))));
  }

  private static double normalize(double degrees) {
    double d = degrees % 360;
    return d < 0 ? d + 360 : d;
  }
}
