package org.tugai.streams;

import java.util.List;
import org.tugai.core.geo.Countries;
import org.tugai.streams.geo.Geodata;

/** Geodata for tests, loaded once per JVM: parsing the 10m borders takes a moment. */
public final class TestGeodata {

  public static final Geodata SHIPPED =
      Geodata.load(Countries.SHIPPED, List.of(Geodata.SHIPPED_ZONES));

  private TestGeodata() {}
}
