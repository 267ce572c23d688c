package org.tugai.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The API's OpenAPI description, read by the OpenAPI project's own parser (swagger-parser) and held
 * to the routes the code serves: one operation per route with an operationId, a content type on
 * every response, problem documents for every error. A route added without its description, or
 * described without being served, fails the build.
 */
class OpenApiDocumentTest {

  private static OpenAPI parse() throws Exception {
    String text;
    try (InputStream in =
        OpenApiDocumentTest.class.getResourceAsStream("/org/tugai/api/openapi.json")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
    assertThat(result.getMessages()).as("the parser's complaints").isEmpty();
    return result.getOpenAPI();
  }

  @Test
  void theDescriptionIsValidAndDescribesExactlyTheRoutesServed() throws Exception {
    OpenAPI api = parse();
    List<String> described = new ArrayList<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .keySet()
                    .forEach(m -> described.add(m.name() + " " + path)));
    List<String> served =
        ApiService.ROUTES.stream().map(r -> r.method().name() + " " + r.path()).toList();
    assertThat(described).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void everyOperationHasAnIdContentTypesAndProblemDocumentsForErrors() throws Exception {
    OpenAPI api = parse();
    Set<String> ids = new HashSet<>();
    for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> op :
          path.getValue().readOperationsMap().entrySet()) {
        String where = op.getKey() + " " + path.getKey();
        assertThat(op.getValue().getOperationId()).as(where).isNotBlank();
        assertThat(ids.add(op.getValue().getOperationId()))
            .as(where + ": operationId unique")
            .isTrue();
        for (Map.Entry<String, ApiResponse> r : op.getValue().getResponses().entrySet()) {
          ApiResponse response =
              r.getValue().get$ref() != null
                  ? api.getComponents()
                      .getResponses()
                      .get(r.getValue().get$ref().replace("#/components/responses/", ""))
                  : r.getValue();
          assertThat(response.getContent()).as(where + " " + r.getKey()).isNotEmpty();
          if (!r.getKey().startsWith("2")) {
            assertThat(response.getContent())
                .as(where + " " + r.getKey())
                .containsOnlyKeys("application/problem+json");
          }
        }
      }
    }
  }
}
