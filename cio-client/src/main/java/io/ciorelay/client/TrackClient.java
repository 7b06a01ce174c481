package io.ciorelay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A client of the Customer.io Track API (v1 and v2) for one workspace.
 *
 * <p>Two styles of call:
 * <ul>
 *   <li>Typed blocking calls ({@link #identify}, {@link #track}, {@link #batch}, ...) check
 *       {@link Limits} first and throw {@link ValidationException} without sending; they return
 *       normally on 2xx, throw {@link CioApiException} on any other status and
 *       {@link CioTransportException} when no answer came (connection failure or timeout). They do
 *       not retry.</li>
 *   <li>Raw asynchronous calls ({@link #sendAsync}, {@link #batchAsync}) for the delivery engine:
 *       no validation, body bytes sent as-is; the future completes normally with any HTTP status
 *       and exceptionally only with {@link CioTransportException}.</li>
 * </ul>
 * Person ids and device ids are URL-encoded as path segments (a space becomes {@code %20}, a
 * slash {@code %2F}, an id {@code ..} becomes {@code %2E%2E}). Every request carries Basic auth, {@code Content-Type} and {@code Accept}
 * {@code application/json}, and the configured {@code User-Agent}.
 *
 * <p>Transport: one {@link HttpClient} per instance (HTTP/1.1, pooled keep-alive connections),
 * with the configured connect timeout and a per-request timeout; redirects are not followed (a
 * 3xx is reported as a {@link CioApiException}). Thread-safe; share one instance. {@link #close()}
 * releases the connection pool on Java 21+ and is otherwise a no-op; calls after close fail.
 */
public final class TrackClient implements AutoCloseable {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BATCH_OPEN = "{\"batch\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BATCH_CLOSE = "]}".getBytes(StandardCharsets.UTF_8);

    private final TrackClientConfig config;
    private final HttpClient http;
    private final String base;
    private final String authorization;
    private volatile boolean closed;

    private TrackClient(TrackClientConfig config) {
        this.config = config;
        this.http = config.newHttpClient();
        this.base = config.baseUrl().toString();
        this.authorization = config.credentials().basicAuthorization();
    }

    /**
     * Creates a client.
     *
     * @throws NullPointerException if config is null
     */
    public static TrackClient create(TrackClientConfig config) {
        return new TrackClient(Objects.requireNonNull(config, "config"));
    }

    /** Returns the configuration. */
    public TrackClientConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- v1

    /**
     * Creates or updates a person: {@code PUT /api/v1/customers/{id}} with the attributes as body
     * (null attributes send {@code {}}).
     *
     * @throws ValidationException if the id or an attribute breaks a limit
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void identify(String personId, Map<String, ?> attributes) {
        Limits.require(Limits.checkIdentify(personId, attributes));
        byte[] body = attributes == null ? EMPTY_OBJECT : Json.write(attributes, "attributes");
        call("PUT", customerPath(personId), body);
    }

    /**
     * Deletes a person: {@code DELETE /api/v1/customers/{id}}.
     *
     * @throws ValidationException if the id is blank or too long
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void delete(String personId) {
        Limits.require(Limits.checkPersonId(personId));
        call("DELETE", customerPath(personId), null);
    }

    /**
     * Deletes a person and blocks their identifiers: {@code POST /api/v1/customers/{id}/suppress}, body {@code {}}.
     *
     * @throws ValidationException if the id is blank or too long
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void suppress(String personId) {
        Limits.require(Limits.checkPersonId(personId));
        call("POST", customerPath(personId) + "/suppress", EMPTY_OBJECT);
    }

    /**
     * Lifts a suppression: {@code POST /api/v1/customers/{id}/unsuppress}, body {@code {}}.
     *
     * @throws ValidationException if the id is blank or too long
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void unsuppress(String personId) {
        Limits.require(Limits.checkPersonId(personId));
        call("POST", customerPath(personId) + "/unsuppress", EMPTY_OBJECT);
    }

    /**
     * Tracks an event, page or screen view for a person: {@code POST /api/v1/customers/{id}/events}.
     *
     * @throws ValidationException if the id or event breaks a limit
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void track(String personId, Event event) {
        Limits.require(Limits.checkEvent(personId, event));
        call("POST", customerPath(personId) + "/events", Json.write(event.toWire(), "event"));
    }

    /**
     * Tracks an anonymous event: {@code POST /api/v1/events}; {@code anonymous_id} is added unless
     * the id is null or empty.
     *
     * @throws ValidationException if the event or the anonymous id breaks a limit
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void trackAnonymous(String anonymousId, Event event) {
        Limits.require(Limits.checkAnonymousEvent(anonymousId, event));
        Map<String, Object> body = event.toWire();
        if (anonymousId != null && !anonymousId.isEmpty()) {
            body.put("anonymous_id", anonymousId);
        }
        call("POST", "/api/v1/events", Json.write(body, "event"));
    }

    /**
     * Adds or updates a device: {@code PUT /api/v1/customers/{id}/devices}, body
     * {@code {"device":{"id":token,"platform":..,"last_used":..,"attributes":{..}}}}.
     *
     * @throws ValidationException if the id or device breaks a limit
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void addDevice(String personId, Device device) {
        Limits.require(Limits.checkDevice(personId, device));
        call("PUT", customerPath(personId) + "/devices", Json.write(Map.of("device", device.toWire("id")), "device"));
    }

    /**
     * Removes a device: {@code DELETE /api/v1/customers/{id}/devices/{deviceId}}.
     *
     * @throws ValidationException if an id is blank or too long
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void deleteDevice(String personId, String deviceId) {
        Limits.require(Limits.checkDeleteDevice(personId, deviceId));
        call("DELETE", customerPath(personId) + "/devices/" + encode(deviceId), null);
    }

    /**
     * Merges the secondary person into the primary: {@code POST /api/v1/merge_customers}, body
     * {@code {"primary":{type:value},"secondary":{type:value}}}. Irreversible.
     *
     * @throws ValidationException if a type is null or a value blank or too long
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void mergeCustomers(IdentifierType primaryType, String primary, IdentifierType secondaryType,
            String secondary) {
        Limits.require(Limits.checkMerge(primaryType, primary, secondaryType, secondary));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("primary", Map.of(primaryType.wireKey(), primary));
        body.put("secondary", Map.of(secondaryType.wireKey(), secondary));
        call("POST", "/api/v1/merge_customers", Json.write(body, "merge"));
    }

    /**
     * Asks which region the workspace lives in: {@code GET /api/v1/accounts/region}.
     *
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     * @throws CioException if the 2xx body is not the documented JSON
     */
    public AccountRegion accountRegion() {
        ApiResponse r = call("GET", "/api/v1/accounts/region", null);
        JsonNode root = Json.readTreeOrNull(r.body());
        if (root == null || !root.isObject() || !root.path("url").isTextual() || !root.path("region").isTextual()) {
            throw new CioException("Customer.io answered " + r.status()
                    + " on GET /api/v1/accounts/region with a body that is not {url, region, environment_id}");
        }
        return new AccountRegion(root.get("url").asText(), root.get("region").asText(),
                root.path("environment_id").asLong(0));
    }

    // ---------------------------------------------------------------- v2

    /**
     * Sends one v2 operation: {@code POST /api/v2/entity}.
     *
     * @throws ValidationException if the operation breaks a limit
     * @throws CioApiException on a non-2xx answer (its {@link CioApiException#batchErrors()} hold v2 errors)
     * @throws CioTransportException if no answer came
     */
    public void entity(Operation op) {
        Limits.require(op);
        call("POST", "/api/v2/entity", op.toJson());
    }

    /**
     * Sends v2 operations in one request: {@code POST /api/v2/batch}, body {@code {"batch":[...]}}.
     * A 207 (or a 200 with {@code errors}) returns normally with the per-operation errors.
     *
     * @throws ValidationException if the list is empty, an operation breaks a limit or the request would be too large
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public BatchResult batch(List<Operation> ops) {
        Limits.requireBatch(ops);
        List<byte[]> encoded = new ArrayList<>(ops.size());
        for (Operation op : ops) {
            encoded.add(op.toJson());
        }
        return BatchResult.parse(call("POST", "/api/v2/batch", batchBody(encoded)));
    }

    // ---------------------------------------------------------------- raw

    /**
     * Sends a raw request; never throws. The future completes normally with any HTTP status and
     * exceptionally with {@link CioTransportException} when no answer came (or with
     * {@link IllegalStateException} after {@link #close()}).
     */
    public CompletableFuture<ApiResponse> sendAsync(ApiRequest request) {
        CompletableFuture<ApiResponse> result = new CompletableFuture<>();
        try {
            if (closed) {
                throw new IllegalStateException("client is closed");
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + request.path()))
                    .timeout(config.requestTimeout())
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("User-Agent", config.userAgent());
            b.method(request.method(), request.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, error) -> {
                if (error == null) {
                    result.complete(new ApiResponse(resp.statusCode(), resp.headers().map(), resp.body()));
                } else {
                    result.completeExceptionally(transportFailure(request, error));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Sends already-encoded v2 operations as one batch ({@link #batchBody(List)}) via {@link #sendAsync}.
     * No validation; the future completes as for {@link #sendAsync}.
     */
    public CompletableFuture<ApiResponse> batchAsync(List<byte[]> encodedOperations) {
        try {
            return sendAsync(new ApiRequest("POST", "/api/v2/batch", batchBody(encodedOperations)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Returns {@code {"batch":[op1,op2,...]}} by concatenating the encoded operations unchanged.
     *
     * @throws NullPointerException if the list or an element is null
     */
    public static byte[] batchBody(List<byte[]> encodedOperations) {
        int size = Limits.batchSize(encodedOperations);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(BATCH_OPEN);
        for (int i = 0; i < encodedOperations.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(Objects.requireNonNull(encodedOperations.get(i), "encoded operation"));
        }
        out.writeBytes(BATCH_CLOSE);
        return out.toByteArray();
    }

    /** Marks the client closed; later calls fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (http instanceof AutoCloseable) { // Java 21+: release the pool and its threads
            try {
                ((AutoCloseable) http).close();
            } catch (Exception e) {
                // closing is best-effort; nothing to report to the caller
            }
        }
    }

    // ---------------------------------------------------------------- internals

    private ApiResponse call(String method, String path, byte[] body) {
        ApiRequest request = new ApiRequest(method, path, body);
        CompletableFuture<ApiResponse> f = sendAsync(request);
        ApiResponse r;
        try {
            r = f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new CioTransportException(method + " " + path + " was interrupted while waiting for Customer.io",
                    e, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new CioTransportException(method + " " + path + " failed: " + cause, cause, false);
        } catch (CancellationException e) {
            throw new CioTransportException(method + " " + path + " was cancelled", e, false);
        }
        if (!r.isSuccess()) {
            throw CioApiException.from(request, r, config.clock());
        }
        return r;
    }

    static CioTransportException transportFailure(ApiRequest request, Throwable error) {
        return CioTransportException.of(request, error);
    }

    private static String customerPath(String personId) {
        return "/api/v1/customers/" + encode(personId);
    }

    /**
     * Encodes a path segment like JavaScript's encodeURIComponent (space as %20, slash as %2F), and
     * the dot segments {@code .} and {@code ..} as {@code %2E} and {@code %2E%2E}: sent bare, a
     * server or proxy would resolve them against the path ({@code devices/..} is the customer).
     */
    static String encode(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            return segment.replace(".", "%2E");
        }
        return URLEncoder.encode(segment, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A");
    }
}
