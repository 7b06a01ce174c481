package io.ciorelay.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What Customer.io answered to a v2 batch (or entity) request: the status and the per-operation
 * errors.
 *
 * <p>A 207, or a 200 whose body carries an {@code errors} array, is a partial failure: the listed
 * operations were rejected, the others accepted. Immutable.
 *
 * @param status HTTP status
 * @param errors errors, in the order given; empty if none
 */
public record BatchResult(int status, List<BatchError> errors) {

    /** Copies the error list. */
    public BatchResult {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** Returns true if the status is 2xx, not 207, and no errors were reported. */
    public boolean allAccepted() {
        return status >= 200 && status <= 299 && status != 207 && errors.isEmpty();
    }

    /**
     * Reads a response's {@code errors} array; a missing, empty or non-JSON body gives no errors.
     * Meant for 200 and 207; for other statuses use {@link CioApiException#from(ApiResponse, java.time.Clock)}.
     *
     * @throws NullPointerException if the response is null
     */
    public static BatchResult parse(ApiResponse r) {
        return new BatchResult(r.status(), parseErrors(Json.readTreeOrNull(r.body())));
    }

    static List<BatchError> parseErrors(JsonNode root) {
        List<BatchError> out = new ArrayList<>();
        if (root == null || !root.isObject()) {
            return out;
        }
        JsonNode errors = root.get("errors");
        if (errors == null || !errors.isArray()) {
            return out;
        }
        for (JsonNode e : errors) {
            if (!e.isObject()) {
                continue;
            }
            JsonNode idx = e.get("batch_index");
            int index = idx != null && idx.canConvertToInt() && idx.isIntegralNumber() ? idx.intValue() : -1;
            out.add(new BatchError(index, text(e, "reason"), text(e, "field"), text(e, "message")));
        }
        return out;
    }

    private static String text(JsonNode o, String name) {
        JsonNode n = o.get(name);
        return n == null || n.isNull() ? "" : n.isValueNode() ? n.asText() : n.toString();
    }
}
