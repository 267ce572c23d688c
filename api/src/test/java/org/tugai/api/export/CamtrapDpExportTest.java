package org.tugai.api.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CamtrapDpExportTest {

  /**
   * The media schema's own filePath pattern: relative, not starting with '.', '/' or '~', no '..'.
   */
  private static final String FILE_PATH = "^(?=^[^./~])(^((?!\\.{2}).)*$).*$";

  @Test
  void megaDetectorsAbsolutePathsBecomeRelativeOnesTheSchemaAccepts() {
    for (String path :
        new String[] {
          "/data/cameras/CT-1/IMG_0001.JPG",
          "C:\\\\traps\\\\CT-1\\\\IMG_0001.JPG",
          "./CT-1/IMG_0001.JPG",
          "~/traps/../CT-1/IMG_0001.JPG",
          "CT-1/IMG_0001.JPG",
          ".hidden/IMG.JPG"
        }) {
      String relative = CamtrapDpExport.relativePath(path);
      assertThat(relative).as(path).matches(FILE_PATH);
    }
    assertThat(CamtrapDpExport.relativePath("/data/cameras/CT-1/IMG_0001.JPG"))
        .isEqualTo("data/cameras/CT-1/IMG_0001.JPG");
    assertThat(CamtrapDpExport.relativePath("C:\\\\traps\\\\CT-1\\\\IMG_0001.JPG"))
        .isEqualTo("traps/CT-1/IMG_0001.JPG");
    assertThat(CamtrapDpExport.isUrl("https://media.example.org/CT-1/IMG_0001.JPG")).isTrue();
  }

  @Test
  void onlyTaxaAreScientificNames() {
    assertThat(CamtrapDpExport.isTaxon("Cervus elaphus bactrianus")).isTrue();
    assertThat(CamtrapDpExport.isTaxon("Canis familiaris")).isTrue();
    assertThat(CamtrapDpExport.isTaxon("Felidae")).isTrue();
    assertThat(CamtrapDpExport.isTaxon("bear")).isFalse();
    assertThat(CamtrapDpExport.isTaxon("wild boar")).isFalse();
    assertThat(CamtrapDpExport.isTaxon("DEER")).isFalse();
  }
}
