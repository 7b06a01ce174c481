package io.ciorelay.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ciorelay.delivery.CustomerIo;
import io.ciorelay.delivery.Workspaces;
import io.ciorelay.redis.RedisStoreConfig;
import io.ciorelay.server.relay.RelayConfig;
import io.ciorelay.server.webhook.WebhookReceiver;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's web dashboard at {@code /dashboard}: a sign-in page, then one page (plain HTML,
 * CSS and JavaScript from the jar; nothing fetched from elsewhere) over a JSON API under
 * {@code /dashboard/api}: overview and live rates per workspace, dead letters with filters and bulk
 * replay/purge, pause/resume, and the webhook receiver with its dead letters (the same filters and
 * actions, {@link DeadLetterRoutes}). See {@link DashboardAuth} for who may do
 * what.
 *
 * <p>Rates: a sampler thread ({@code cio-dashboard-sampler}) reads each workspace's delivery
 * counters five times a second into a {@link RateHistory} (15 minutes of per-second counts, fixed
 * memory).
 *
 * <p>Lifecycle: {@link #register} before the server starts; {@link #close} after it stops.
 * Thread-safe.
 */
public final class Dashboard implements AutoCloseable {
  static final String BASE = "/dashboard";
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final Workspaces workspaces;
  private final DashboardAuth auth;
  private final PauseLog pauses = new PauseLog();
  private final Clock clock;
  private final Overview overview;
  private final DeadLetterRoutes<?> deadLetters;
  private final DeadLetterRoutes<?> webhookDeadLetters;
  private final Map<String, RateHistory> rates = new ConcurrentHashMap<>();
  private final RateSampler sampler;
  private final ScheduledExecutorService scheduler;
  private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

  /**
   * @param redisStores the Redis store of each workspace on a shared store (empty on SQLite)
   * @param webhooks    the webhook receiver, or a supplier of null when it is off
   */
  public Dashboard(Workspaces workspaces, MeterRegistry registry, RelayConfig config,
      Map<String, RedisStoreConfig> redisStores, Supplier<WebhookReceiver> webhooks, Clock clock) {
    this.workspaces = workspaces;
    this.clock = clock;
    this.auth = new DashboardAuth(config.adminToken(), config.dashboardViewerToken());
    this.sampler = new RateSampler(registry);
    for (String ws : workspaces.names()) {
      rates.put(ws, new RateHistory(RateSampler.SERIES.size()));
    }
    this.overview = new Overview(workspaces, registry, config, redisStores, webhooks, pauses, rates, clock);
    this.deadLetters = new DeadLetterRoutes<>(BASE + "/api/dead-letters", new DeliveryDeadLetters(this), clock);
    this.webhookDeadLetters = new DeadLetterRoutes<>(BASE + "/api/webhooks/dead-letters", new WebhookDeadLetters(webhooks),
        clock);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cio-dashboard-sampler");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    try {
      long now = clock.millis() / 1000;
      rates.forEach((ws, h) -> h.sample(now, sampler.totals(ws)));
    } catch (RuntimeException e) {
      log.warn("dashboard rate sampling failed", e);
    }
  }

  /** Mounts the pages and the API. */
  public void register(Javalin app) {
    app.exception(DashboardException.class, (e, ctx) -> {
      ObjectNode n = JSON.createObjectNode().put("error", e.code).put("field", e.field).put("message", e.getMessage());
      ctx.status(e.status).contentType("application/json").result(n.toString());
    });
    app.get(BASE, this::page);
    app.get(BASE + "/login", ctx -> asset(ctx, "login.html"));
    app.post(BASE + "/login", this::signIn);
    app.post(BASE + "/logout", ctx -> {
      DashboardAuth.checkOrigin(ctx);
      DashboardAuth.signOut(ctx);
      ctx.redirect(BASE + "/login", io.javalin.http.HttpStatus.SEE_OTHER);
    });
    app.get(BASE + "/assets/{name}", ctx -> asset(ctx, ctx.pathParam("name")));
    // A prefix test under "*" rather than a pattern: see AdminRoutes.
    app.before(ctx -> {
      if (ctx.path().startsWith(BASE + "/api/")) {
        authorize(ctx);
      }
    });
    app.get(BASE + "/api/session", ctx -> {
      DashboardAuth.Identity id = identity(ctx);
      json(ctx, JSON.createObjectNode().put("role", id.role().name().toLowerCase(java.util.Locale.ROOT))
          .put("who", id.who()).put("csrf", id.cookie() ? auth.csrf(id) : null)
          .set("workspaces", JSON.valueToTree(workspaces.names())));
    });
    app.get(BASE + "/api/overview", ctx -> json(ctx, overview.all()));
    app.get(BASE + "/api/rates", ctx -> json(ctx, overview.rates(
        DeadLetterRoutes.longParam(ctx, "since", 0, 0, Long.MAX_VALUE))));
    app.get(BASE + "/api/webhooks", ctx -> json(ctx, overview.webhooks(
        DeadLetterRoutes.longParam(ctx, "after", 0, 0, Long.MAX_VALUE),
        (int) DeadLetterRoutes.longParam(ctx, "limit", 50, 1, 200))));
    app.post(BASE + "/api/pause", ctx -> pause(ctx, true));
    app.post(BASE + "/api/resume", ctx -> pause(ctx, false));
    deadLetters.register(app);
    webhookDeadLetters.register(app);
    // The admin API's pause and resume are recorded too (who: the admin token, by API).
    app.after(ctx -> {
      String path = ctx.path();
      if (path.equals("/admin/pause") || path.equals("/admin/resume")) {
        recordAdminApi(ctx, path.equals("/admin/pause"));
      }
    });
  }

  private void recordAdminApi(Context ctx, boolean paused) {
    if (ctx.statusCode() != 200) {
      return;
    }
    String ws = ctx.queryParam("workspace");
    List<String> names = ws == null ? workspaces.names() : List.of(ws);
    for (String n : names) {
      pauses.record(n, paused, "admin token (/admin API)", clock.instant());
    }
  }

  private void page(Context ctx) {
    if (!auth.enabled()) {
      disabled(ctx);
      return;
    }
    DashboardAuth.Identity id;
    try {
      id = auth.identify(ctx);
    } catch (DashboardException e) {
      id = null;
    }
    if (id == null) {
      ctx.redirect(BASE + "/login", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    asset(ctx, "index.html");
  }

  private static void disabled(Context ctx) {
    ctx.status(403).contentType("text/plain; charset=utf-8")
        .result("The dashboard is off: set CIO_ADMIN_TOKEN (and optionally CIO_DASHBOARD_VIEWER_TOKEN) to turn it on.\n");
  }

  private void signIn(Context ctx) {
    if (!auth.enabled()) {
      disabled(ctx);
      return;
    }
    DashboardAuth.checkOrigin(ctx);
    String token = ctx.formParam("token");
    String name;
    try {
      name = DashboardAuth.cleanName(ctx.formParam("name"));
    } catch (DashboardException e) {
      ctx.redirect(BASE + "/login?error=name", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    if (token == null || auth.roleOf(token.strip()) == null) {
      ctx.redirect(BASE + "/login?error=token", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    DashboardAuth.signIn(ctx, token.strip(), name);
    ctx.redirect(BASE, io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void authorize(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    if (!auth.enabled()) {
      throw new DashboardException(403, "forbidden", "", "the dashboard is off: set CIO_ADMIN_TOKEN to turn it on");
    }
    DashboardAuth.Identity id = auth.identify(ctx);
    if (id == null) {
      throw new DashboardException(401, "unauthorized", "", "sign in, or send Authorization: Bearer <admin or viewer token>");
    }
    if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
      auth.checkSameSite(ctx, id);
      if (!id.mayAct()) {
        throw new DashboardException(403, "read_only", "", "the viewer token can see but not act: sign in with the admin token");
      }
    }
    ctx.attribute("dashboard.identity", id);
  }

  static DashboardAuth.Identity identity(Context ctx) {
    return ctx.attribute("dashboard.identity");
  }

  private void pause(Context ctx, boolean paused) {
    String ws = workspace(ctx, DeadLetterRoutes.body(ctx).path("workspace").asText(null));
    CustomerIo cio = workspaces.get(ws);
    if (paused) {
      cio.pause();
    } else {
      cio.resume();
    }
    pauses.record(ws, paused, identity(ctx).who(), clock.instant());
    json(ctx, JSON.createObjectNode().put("workspace", ws).put("paused", paused));
  }

  /** The named workspace; the only one when null and there is one. @throws DashboardException 400/404 */
  String workspace(Context ctx, String name) {
    if (name == null || name.isBlank()) {
      if (workspaces.names().size() == 1) {
        return workspaces.names().get(0);
      }
      throw DashboardException.badRequest("workspace", "this relay serves several workspaces " + workspaces.names()
          + ": name one");
    }
    if (!workspaces.contains(name)) {
      throw new DashboardException(404, "not_found", "workspace", "unknown workspace '" + name + "' (configured: "
          + workspaces.names() + ")");
    }
    return name;
  }

  Workspaces workspaces() {
    return workspaces;
  }

  static void json(Context ctx, Object body) {
    ctx.contentType("application/json").result(body.toString());
  }

  private void asset(Context ctx, String name) {
    int dot = name.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
    byte[] bytes = type == null || !name.matches("[a-z0-9-]+\\.[a-z]+") ? null : assets.computeIfAbsent(name, Dashboard::load);
    if (bytes == null || bytes.length == 0) {
      ctx.status(404).contentType("text/plain").result("no such dashboard file: " + name);
      return;
    }
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts.
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", name.endsWith(".html") ? "no-store" : "max-age=300");
    ctx.contentType(type).result(bytes);
  }

  private static byte[] load(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("assets/" + name)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the sampler and closes the fleet views' Redis connections. Idempotent. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    overview.close();
  }
}
