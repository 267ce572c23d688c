package org.tugai.api.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.tugai.schemas.text.StorableText;

/**
 * Errors Jetty answers itself, before a request reaches the API (a NUL or an ambiguous encoding in
 * the path, a malformed request line, headers too large): the same problem documents as {@link
 * Problems}, not Jetty's HTML page.
 */
public final class JettyProblems extends ErrorHandler {

  static byte[] document(int status, String detail) {
    String title = HttpStatus.getMessage(status);
    String shown = json(StorableText.escape(detail == null || detail.isBlank() ? title : detail));
    return ("{\"type\":\"about:blank\",\"title\":"
            + json(title)
            + ",\"status\":"
            + status
            + ",\"detail\":"
            + shown
            + ",\"error\":"
            + shown
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    baseRequest.setHandled(true);
    Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
    byte[] body =
        document(
            response.getStatus(),
            detail(response.getStatus(), message == null ? null : message.toString()));
    response.setContentType(Problems.CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE));
    fields.put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
    return ByteBuffer.wrap(document(status, detail(status, reason)));
  }

  /** Jetty gives a bare "Bad Request" for a path it will not take: say what is usually wrong. */
  private static String detail(int status, String reason) {
    if (reason != null && !reason.isBlank() && !reason.equals(HttpStatus.getMessage(status))) {
      return reason;
    }
    return status == 400
        ? "the request is malformed: its path holds a NUL, a control character or an ambiguous escape, or a header is invalid"
        : null;
  }
}
