package io.ciorelay.client;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A client of the Customer.io Data Pipelines API's batch call: {@code POST {base}/v1/batch} with
 * {@code {"batch":[call, …]}}, HTTP Basic with the source write key as user and an empty password,
 * and always {@code X-Strict-Mode: 1}, so that a 200 means the calls were accepted (without it,
 * Customer.io answers 200 and drops invalid or over-size calls).
 *
 * <p>Limits checked before sending: {@value #MAX_CALL_BYTES} bytes per encoded call and
 * {@value #MAX_BATCH_BYTES} bytes per request. Base URLs: {@link #US_BASE_URL},
 * {@link #EU_BASE_URL}, or any custom one. Calls come from {@link SegmentCalls}. The client does not
 * retry, queue or log. Thread-safe.
 */
public final class PipelinesClient implements AutoCloseable {
    /** The US Pipelines base URL. */
    public static final URI US_BASE_URL = URI.create("https://cdp.customer.io");
    /** The EU Pipelines base URL. */
    public static final URI EU_BASE_URL = URI.create("https://cdp-eu.customer.io");
    /** The Pipelines limit per call: 32 KB. */
    public static final int MAX_CALL_BYTES = 32 * 1024;
    /** The Pipelines limit per batch request: 500 KB. */
    public static final int MAX_BATCH_BYTES = 500 * 1024;
    /** The path of the batch call. */
    public static final String BATCH_PATH = "/v1/batch";

    private final String base;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;

    private PipelinesClient(URI baseUrl, String writeKey, Duration requestTimeout) {
        this.base = baseUrl.toString().replaceAll("/+$", "");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(TrackClientConfig.DEFAULT_CONNECT_TIMEOUT).build();
    }

    /**
     * Creates a client.
     *
     * @throws IllegalArgumentException if the base URL is not http(s) with a host, the write key is
     *     blank, or the timeout is not positive
     */
    public static PipelinesClient create(URI baseUrl, String writeKey, Duration requestTimeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme())) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an http(s) URL like https://cdp.customer.io but was '"
                    + baseUrl + "'");
        }
        if (writeKey == null || writeKey.isBlank()) {
            throw new IllegalArgumentException("writeKey must not be blank");
        }
        if (requestTimeout == null || requestTimeout.isZero() || requestTimeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout must be positive but was " + requestTimeout);
        }
        return new PipelinesClient(baseUrl, writeKey, requestTimeout);
    }

    /**
     * The request body {@code {"batch":[…]}} for these calls.
     *
     * @throws ValidationException (field {@code batch[i]} or {@code batch}) when a call or the
     *     request is over its limit, or the list is empty
     */
    public static byte[] batchBody(List<Map<String, Object>> calls) {
        if (calls == null || calls.isEmpty()) {
            throw new ValidationException(new Violation("batch", "batch must contain at least 1 call but had 0", 1, 0));
        }
        List<byte[]> encoded = new ArrayList<>(calls.size());
        List<Violation> problems = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            byte[] e = Json.write(calls.get(i), "batch[" + i + "]");
            if (e.length > MAX_CALL_BYTES) {
                problems.add(new Violation("batch[" + i + "]", "call is " + e.length + " bytes encoded; the Pipelines limit is "
                        + MAX_CALL_BYTES + " bytes", MAX_CALL_BYTES, e.length));
            }
            encoded.add(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"batch\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < encoded.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(encoded.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        if (out.size() > MAX_BATCH_BYTES) {
            problems.add(new Violation("batch", "request is " + out.size() + " bytes; the Pipelines limit is "
                    + MAX_BATCH_BYTES + " bytes", MAX_BATCH_BYTES, out.size()));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return out.toByteArray();
    }

    /**
     * Sends an encoded batch; never throws. The future completes with any HTTP status, or
     * exceptionally with {@link CioTransportException} when no answer came.
     */
    public CompletableFuture<ApiResponse> batchAsync(byte[] body) {
        ApiRequest request = new ApiRequest("POST", BATCH_PATH, body);
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + BATCH_PATH)).timeout(requestTimeout)
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .header("X-Strict-Mode", "1")
                    .header("User-Agent", TrackClientConfig.DEFAULT_USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            return http.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray())
                    .handle((resp, error) -> {
                        if (error != null) {
                            throw new CompletionException(TrackClient.transportFailure(request, error));
                        }
                        return new ApiResponse(resp.statusCode(), resp.headers().map(), resp.body());
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends calls in one request and waits for the answer.
     *
     * @throws ValidationException when a call or the request is over its limit
     * @throws CioApiException on a non-2xx answer
     * @throws CioTransportException if no answer came
     */
    public void batch(List<Map<String, Object>> calls) {
        byte[] body = batchBody(calls);
        ApiResponse r;
        try {
            r = batchAsync(body).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        if (!r.isSuccess()) {
            throw CioApiException.from(new ApiRequest("POST", BATCH_PATH, body), r, Clock.systemUTC());
        }
    }

    @Override
    public void close() {
        if (http instanceof AutoCloseable c) { // Java 21+: release the pool and its threads
            try {
                c.close();
            } catch (Exception e) {
                // best-effort
            }
        }
    }
}
