package org.tugai.api;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.tugai.embedded.junit.Infrastructure;

/**
 * A plain data source on a test database, for making tokens as {@code bin/tugai token create} does.
 */
public final class TestDataSources {

  private TestDataSources() {}

  public static DataSource of(Infrastructure.Database db) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(db.url());
    ds.setUser(db.user());
    ds.setPassword(db.password());
    return ds;
  }
}
