package io.ciorelay.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One raw HTTP answer from the Track API: status, headers and body bytes.
 *
 * <p>Header names are matched case-insensitively by {@link #header(String)}. A null body is
 * stored as empty. The array is not copied; treat it as immutable.
 *
 * @param status HTTP status code
 * @param headers response headers
 * @param body body bytes, never null
 */
public record ApiResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /** Normalises null headers and body to empty. */
    public ApiResponse {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? new byte[0] : body;
    }

    /** Returns the first value of the named header, matched case-insensitively. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) {
                return Optional.ofNullable(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /** Returns the body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Returns true for 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status <= 299;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiResponse r && status == r.status && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "ApiResponse{status=" + status + ", body=" + body.length + " bytes}";
    }
}
