package org.tugai.api.alerts;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The live alert feed as server-sent events whatever the client's {@code Accept} says: Javalin's
 * own SseHandler answers an empty 200 unless the request asks for {@code text/event-stream}, which
 * a curl or a proxy may not.
 */
public final class AlertStream implements Handler {

  private final Consumer<SseClient> subscribe;

  public AlertStream(Consumer<SseClient> subscribe) {
    this.subscribe = subscribe;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    var res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding(StandardCharsets.UTF_8.name());
    res.setContentType("text/event-stream");
    res.addHeader("Connection", "close");
    res.addHeader("Cache-Control", "no-cache");
    // nginx and alike would buffer the stream otherwise.
    res.addHeader("X-Accel-Buffering", "no");
    res.flushBuffer();
    ctx.async(config -> config.timeout = 0, () -> subscribe.accept(new SseClient(ctx)));
  }
}
