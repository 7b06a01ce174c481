package io.ciorelay.client;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Input was rejected before anything was sent because it breaks a documented Customer.io rule.
 *
 * <p>Carries every {@link Violation} found; the message joins them ({@code field: message}).
 * Never retryable. Immutable.
 */
public final class ValidationException extends CioException {
    private static final long serialVersionUID = 1L;

    private final transient List<Violation> violations;

    /**
     * Creates an exception for the given violations.
     *
     * @throws IllegalArgumentException if the list is null or empty
     */
    public ValidationException(List<Violation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    /** Creates an exception for one violation. */
    public ValidationException(Violation violation) {
        this(List.of(violation));
    }

    /** Returns the violations, never empty. */
    public List<Violation> violations() {
        return violations;
    }

    private static String message(List<Violation> violations) {
        if (violations == null || violations.isEmpty()) {
            throw new IllegalArgumentException("violations must not be empty but was " + violations);
        }
        return "invalid input (" + violations.size() + (violations.size() == 1 ? " violation): " : " violations): ")
                + violations.stream().map(Violation::toString).collect(Collectors.joining(" | "));
    }
}
