package org.tugai.schemas;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Writer schemas by their CRC-64-AVRO fingerprint, as single-object encoding needs them.
 *
 * <p>It knows every released version from {@link SchemaHistory}; a fingerprint it does not know (a
 * record written by a newer release during a rolling upgrade) is asked of the optional {@link
 * SchemaSource}, normally the {@code tugai.schemas.v1} topic that every writer publishes its
 * schemas to.
 */
public final class SchemaCatalog implements SchemaStore {

  /** Where to look for writer schemas this build has never seen. */
  @FunctionalInterface
  public interface SchemaSource {
    Optional<Schema> find(long fingerprint);
  }

  private final Map<Long, Schema> known = new ConcurrentHashMap<>();
  private final SchemaSource fallback;

  private SchemaCatalog(SchemaSource fallback) {
    this.fallback = fallback;
    SchemaHistory.all().values().stream().flatMap(List::stream).forEach(this::register);
  }

  /**
   * The released versions only: enough wherever no newer writer can exist (tests, a single
   * process).
   */
  public static SchemaCatalog released() {
    return new SchemaCatalog(fp -> Optional.empty());
  }

  /** The released versions, then the given source for newer writers. */
  public static SchemaCatalog withSource(SchemaSource source) {
    return new SchemaCatalog(source);
  }

  public void register(Schema schema) {
    known.putIfAbsent(fingerprint(schema), schema);
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    Schema schema = known.get(fingerprint);
    if (schema == null) {
      schema = fallback.find(fingerprint).orElse(null);
      if (schema != null) {
        known.putIfAbsent(fingerprint, schema);
      }
    }
    return schema;
  }

  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }
}
