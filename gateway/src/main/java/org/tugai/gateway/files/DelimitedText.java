package org.tugai.gateway.files;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A vendor file as rows of cells with their line numbers, whatever its delimiter (desktop software
 * writes ';' where the locale's decimal mark is ',', some exports use tabs). Quoting follows RFC
 * 4180, as Jackson's CSV module reads it.
 */
final class DelimitedText {

  /** One row: its line in the file (1-based) and its cells. */
  record Line(long number, List<String> cells) {
    String cell(int i) {
      return i < cells.size() ? cells.get(i).trim() : "";
    }

    boolean blank() {
      return cells.stream().allMatch(c -> c.isBlank());
    }

    String text() {
      return String.join(",", cells);
    }
  }

  private DelimitedText() {}

  static List<Line> read(String text) throws IOException {
    char delimiter = delimiter(text);
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    List<Line> out = new ArrayList<>();
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try (MappingIterator<List<String>> rows =
        mapper
            .readerForListOf(String.class)
            .with(CsvSchema.emptySchema().withColumnSeparator(delimiter))
            .readValues(body)) {
      while (rows.hasNext()) {
        long line = rows.getCurrentLocation().getLineNr();
        List<String> cells = rows.next();
        out.add(new Line(line, cells));
      }
    }
    return out;
  }

  /** The delimiter that splits the first lines most evenly: ',', ';' or tab. */
  private static char delimiter(String text) {
    String[] lines = text.lines().limit(40).toArray(String[]::new);
    char best = ',';
    int bestCount = -1;
    for (char c : new char[] {',', ';', '\t'}) {
      int count = 0;
      for (String l : lines) {
        count += (int) l.chars().filter(ch -> ch == c).count();
      }
      if (count > bestCount) {
        best = c;
        bestCount = count;
      }
    }
    return best;
  }
}
