package io.ciorelay.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * One raw HTTP request to the Track API: method, path from the base URL, and body bytes sent as-is.
 *
 * <p>The path starts with {@code /} and is already URL-encoded, e.g. {@code /api/v2/batch}. The
 * body may be null (no body). The array is not copied; treat it as immutable.
 *
 * @param method HTTP method, e.g. {@code POST}
 * @param path path such as {@code /api/v2/batch}
 * @param body body bytes, or null
 */
public record ApiRequest(String method, String path, byte[] body) {

    /** Checks that method and path are present. @throws IllegalArgumentException if not */
    public ApiRequest {
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("method must not be blank but was " + method);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/' but was " + path);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiRequest r && method.equals(r.method) && path.equals(r.path) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, path, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return method + " " + path + " (" + (body == null ? "no body" : body.length + " bytes") + ")";
    }
}
