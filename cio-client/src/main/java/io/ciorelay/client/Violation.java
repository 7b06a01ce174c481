package io.ciorelay.client;

/**
 * One broken rule in input to Customer.io: the field, a readable message, the limit and the actual
 * value.
 *
 * <p>For size rules {@code limit} and {@code actual} are in bytes (or counts, as the message says);
 * for rules that are not about a size (a blank name, a wrong JSON type) both are {@code -1}.
 * Example: field {@code attributes.plan}, message
 * {@code value for attribute 'plan' is 1204 bytes; the limit is 1000 bytes}, limit 1000, actual 1204.
 * Immutable.
 *
 * @param field the path of the offending field, e.g. {@code personId}, {@code attributes.plan}, {@code batch[3].name}
 * @param message what is wrong, naming the limit and the actual size
 * @param limit the limit, or -1
 * @param actual the actual size or count, or -1
 */
public record Violation(String field, String message, long limit, long actual) {

    /** Returns a copy whose field is prefixed, e.g. {@code batch[2].} + field. */
    public Violation prefixed(String prefix) {
        return new Violation(prefix + field, message, limit, actual);
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
