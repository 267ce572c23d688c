package org.tugai.api.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies read with a limit that holds while reading: a {@code Content-Length} above it is
 * refused before a byte is read, and a chunked body (which has none) is refused as soon as it
 * passes the limit.
 */
public final class Bodies {

  private Bodies() {}

  public static byte[] read(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw new HttpResponseException(
          413, "the body has " + declared + " bytes; at most " + maxBytes);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(Math.max(declared, 256), maxBytes));
      byte[] buffer = new byte[8_192];
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (out.size() + n > maxBytes) {
          // The rest is never read: the connection is closed after the answer.
          ctx.header("Connection", "close");
          throw new HttpResponseException(413, "the body is longer than " + maxBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new HttpResponseException(400, "the body could not be read: " + e.getMessage());
    }
  }
}
