package io.ciorelay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Customer.io answered with a non-2xx status.
 *
 * <p>Carries the status, Customer.io's messages (read from {@code meta.error}, {@code meta.errors}
 * and the v2 {@code errors[].message}/{@code reason}), the v2 per-operation errors, and the
 * {@code Retry-After} delay if the header was sent. Whether to retry is decided by
 * {@link Retryability#isRetryableStatus(int)}. The message looks like
 * {@code Customer.io answered 400 on POST /api/v1/customers/42/events: event name cannot be longer than 100 bytes}
 * and never contains credentials. Immutable.
 */
public final class CioApiException extends CioException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_RAW_BODY_IN_MESSAGE = 200;

    private final int status;
    private final transient List<String> messages;
    private final transient List<BatchError> batchErrors;
    private final transient Duration retryAfter;

    private CioApiException(String message, int status, List<String> messages, List<BatchError> batchErrors,
            Duration retryAfter) {
        super(message);
        this.status = status;
        this.messages = List.copyOf(messages);
        this.batchErrors = List.copyOf(batchErrors);
        this.retryAfter = retryAfter;
    }

    /**
     * Builds the exception for a response without knowing the request.
     *
     * @param r the non-2xx response
     * @param clock the clock against which a {@code Retry-After} date is measured
     * @throws NullPointerException if an argument is null
     */
    public static CioApiException from(ApiResponse r, Clock clock) {
        return build(null, r, clock);
    }

    /**
     * Builds the exception for a response, naming the request's method and path in the message.
     *
     * @throws NullPointerException if an argument is null
     */
    public static CioApiException from(ApiRequest request, ApiResponse r, Clock clock) {
        return build(Objects.requireNonNull(request, "request"), r, clock);
    }

    private static CioApiException build(ApiRequest request, ApiResponse r, Clock clock) {
        Objects.requireNonNull(r, "response");
        Objects.requireNonNull(clock, "clock");
        JsonNode root = Json.readTreeOrNull(r.body());
        List<String> messages = parseMessages(root);
        List<BatchError> batchErrors = BatchResult.parseErrors(root);
        Duration retryAfter = r.header("Retry-After").flatMap(v -> RetryAfter.parse(v, clock)).orElse(null);

        StringBuilder sb = new StringBuilder("Customer.io answered ").append(r.status());
        if (request != null) {
            sb.append(" on ").append(request.method()).append(' ').append(request.path());
        }
        if (!messages.isEmpty()) {
            sb.append(": ").append(String.join("; ", messages));
        } else if (root == null && r.body().length > 0) {
            String text = r.bodyText().strip();
            if (text.length() > MAX_RAW_BODY_IN_MESSAGE) {
                text = text.substring(0, MAX_RAW_BODY_IN_MESSAGE) + "...";
            }
            sb.append(": ").append(text);
        }
        if (retryAfter != null) {
            sb.append(" (retry after ").append(retryAfter.toSeconds()).append(" s)");
        }
        return new CioApiException(sb.toString(), r.status(), messages, batchErrors, retryAfter);
    }

    static List<String> parseMessages(JsonNode root) {
        List<String> out = new ArrayList<>();
        if (root == null || !root.isObject()) {
            return out;
        }
        JsonNode meta = root.get("meta");
        if (meta != null && meta.isObject()) {
            addText(out, meta.get("error"));
            JsonNode errors = meta.get("errors");
            if (errors != null && errors.isArray()) {
                errors.forEach(e -> addText(out, e));
            } else {
                addText(out, errors);
            }
        }
        JsonNode errors = root.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode e : errors) {
                if (e.isObject()) {
                    JsonNode m = firstPresent(e, "message", "reason", "detail");
                    if (m != null) {
                        JsonNode idx = e.get("batch_index");
                        String prefix = idx != null && idx.isIntegralNumber() ? "batch_index " + idx.asInt() + ": " : "";
                        JsonNode field = e.get("field");
                        String suffix = field != null && field.isTextual() && !field.asText().isEmpty()
                                ? " (field " + field.asText() + ")" : "";
                        out.add(prefix + m.asText() + suffix);
                    }
                } else {
                    addText(out, e);
                }
            }
        }
        return out;
    }

    private static JsonNode firstPresent(JsonNode o, String... names) {
        for (String n : names) {
            JsonNode v = o.get(n);
            if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static void addText(List<String> out, JsonNode n) {
        if (n != null && n.isValueNode() && !n.isNull() && !n.asText().isBlank()) {
            out.add(n.asText());
        }
    }

    /** Returns the HTTP status. */
    public int status() {
        return status;
    }

    /** Returns Customer.io's error messages, possibly empty. */
    public List<String> messages() {
        return messages;
    }

    /** Returns the v2 {@code errors} entries, possibly empty. */
    public List<BatchError> batchErrors() {
        return batchErrors;
    }

    /** Returns the delay from a valid {@code Retry-After} header, if one was sent. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Returns {@link Retryability#isRetryableStatus(int)} of the status. */
    public boolean retryable() {
        return Retryability.isRetryableStatus(status);
    }
}
