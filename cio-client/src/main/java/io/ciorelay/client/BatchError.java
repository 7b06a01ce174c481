package io.ciorelay.client;

/**
 * One error Customer.io reported for a Track API v2 request, usually for one operation of a batch.
 *
 * <p>Absent text fields are empty strings, never null. Immutable.
 *
 * @param batchIndex 0-based index of the operation in the batch, or -1 when absent
 * @param reason Customer.io's reason code, e.g. {@code required}
 * @param field the offending field as Customer.io names it
 * @param message Customer.io's message
 */
public record BatchError(int batchIndex, String reason, String field, String message) {

    /** Replaces null text with empty strings. */
    public BatchError {
        reason = reason == null ? "" : reason;
        field = field == null ? "" : field;
        message = message == null ? "" : message;
    }
}
