package io.ciorelay.server.dashboard;

import io.ciorelay.server.relay.AuthCheck;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking: the admin token (may act) or the viewer token (may only look), from
 * {@code Authorization: Bearer <token>} (tools) or the sign-in cookie (people). Both tokens are
 * compared in constant time.
 *
 * <p>Cross-site protection for cookie sessions: the cookie is {@code HttpOnly; SameSite=Strict}
 * and scoped to {@code /dashboard}; every state-changing request must carry the session's CSRF
 * token in {@value #CSRF_HEADER} (an HMAC of the session under a key made at start, so a restart
 * asks the page to reload it); and any request whose {@code Origin} is not this relay (its
 * {@code Host}, or {@code X-Forwarded-Host} behind a reverse proxy), or whose
 * {@code Sec-Fetch-Site} is {@code cross-site}, is refused. Bearer requests need no CSRF token (a
 * browser never adds that header by itself). Immutable and thread-safe.
 */
final class DashboardAuth {
  static final String COOKIE = "cio_dashboard";
  static final String NAME_COOKIE = "cio_dashboard_name";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final int SESSION_SECONDS = 12 * 3600;
  static final int MAX_NAME = 40;
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@'-]{1," + MAX_NAME + "}");

  enum Role { ADMIN, VIEWER }

  /** An authenticated caller: its role, who to name in the pause record, and whether it came by cookie. */
  record Identity(Role role, String who, boolean cookie, String token) {
    boolean mayAct() {
      return role == Role.ADMIN;
    }
  }

  private final AuthCheck admin;
  private final AuthCheck viewer;
  private final byte[] csrfKey = new byte[32];

  DashboardAuth(String adminToken, String viewerToken) {
    this.admin = adminToken == null ? null : AuthCheck.bearer(adminToken);
    this.viewer = viewerToken == null ? null : AuthCheck.bearer(viewerToken);
    new SecureRandom().nextBytes(csrfKey);
  }

  boolean enabled() {
    return admin != null || viewer != null;
  }

  /** The role of this token, or null if it is neither. */
  Role roleOf(String token) {
    if (admin != null && admin.matches(token)) {
      return Role.ADMIN;
    }
    if (viewer != null && viewer.matches(token)) {
      return Role.VIEWER;
    }
    return null;
  }

  /**
   * The caller, or null when it sent no credentials.
   *
   * @throws DashboardException 401 when a bearer token or session cookie is present but wrong
   */
  Identity identify(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      Role role = roleOf(token);
      if (role == null) {
        throw new DashboardException(401, "unauthorized", "", "the bearer token is neither the admin nor the viewer token");
      }
      return new Identity(role, role == Role.ADMIN ? "admin token (API)" : "viewer token (API)", false, token);
    }
    String cookie = ctx.cookie(COOKIE);
    if (cookie == null || cookie.isEmpty()) {
      return null;
    }
    String token = decode(cookie);
    Role role = token == null ? null : roleOf(token);
    if (role == null) {
      throw new DashboardException(401, "unauthorized", "", "the session is no longer valid: sign in again");
    }
    String name = decode(ctx.cookie(NAME_COOKIE));
    String kind = role == Role.ADMIN ? "admin token" : "viewer token";
    return new Identity(role, name == null || name.isBlank() ? kind : name + " (" + kind + ")", true, token);
  }

  /** The CSRF token of a session (the same for every request of the session while this relay runs). */
  String csrf(Identity id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(csrfKey, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(id.token().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Refuses a state-changing request from another site: a foreign {@code Origin}, a cross-site
   * fetch, or (for cookie sessions) a missing or wrong CSRF token.
   *
   * @throws DashboardException 403 naming what was wrong
   */
  void checkSameSite(Context ctx, Identity id) {
    checkOrigin(ctx);
    if (id != null && id.cookie()) {
      String sent = ctx.header(CSRF_HEADER);
      if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
          csrf(id).getBytes(StandardCharsets.UTF_8))) {
        throw new DashboardException(403, "csrf", CSRF_HEADER, "missing or stale CSRF token: reload the page");
      }
    }
  }

  /** @throws DashboardException 403 when the request comes from another site */
  static void checkOrigin(Context ctx) {
    if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
      throw new DashboardException(403, "cross_site", "Origin", "cross-site requests are refused");
    }
    String origin = ctx.header("Origin");
    String host = ctx.header("Host");
    String forwarded = ctx.header("X-Forwarded-Host");
    if (origin != null && !"null".equals(origin)) {
      String bare = origin.replaceFirst("^https?://", "");
      if (!bare.equalsIgnoreCase(host) && !bare.equalsIgnoreCase(forwarded)) {
        throw new DashboardException(403, "cross_site", "Origin", "requests from " + origin + " are refused");
      }
    } else if ("null".equals(origin)) {
      throw new DashboardException(403, "cross_site", "Origin", "requests from an opaque origin are refused");
    }
  }

  /** A sign-in name as given, or null if blank; refuses characters that are not letters, digits, space or ._@'-. */
  static String cleanName(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    String n = name.strip();
    if (!NAME.matcher(n).matches()) {
      throw DashboardException.badRequest("name", "name must be 1-" + MAX_NAME
          + " letters, digits, spaces or . _ @ ' - but was " + n.length() + " characters");
    }
    return n;
  }

  /** Sets the session cookies (the token and the name, both base64url, HttpOnly, SameSite=Strict). */
  static void signIn(Context ctx, String token, String name) {
    addCookie(ctx, COOKIE, encode(token), SESSION_SECONDS);
    addCookie(ctx, NAME_COOKIE, name == null ? "" : encode(name), name == null ? 0 : SESSION_SECONDS);
  }

  static void signOut(Context ctx) {
    addCookie(ctx, COOKIE, "", 0);
    addCookie(ctx, NAME_COOKIE, "", 0);
  }

  private static void addCookie(Context ctx, String name, String value, int maxAge) {
    boolean https = "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/dashboard; Max-Age=" + maxAge
        + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : ""));
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
