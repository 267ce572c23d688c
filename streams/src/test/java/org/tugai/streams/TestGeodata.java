package org.tugai.streams;

import org.tugai.streams.geo.Geodata;

/** Geodata for tests, loaded once per JVM: parsing the 10m borders takes a moment. */
public final class TestGeodata {

  public static final Geodata SHIPPED =
      Geodata.load(org.tugai.core.geo.Countries.SHIPPED, java.util.List.of(Geodata.SHIPPED_ZONES));

  private TestGeodata() {}
}
