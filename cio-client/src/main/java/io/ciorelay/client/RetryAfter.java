package io.ciorelay.client;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parser of the HTTP {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date
 * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, RFC 1123 form).
 *
 * <p>A date in the past gives {@link Duration#ZERO}; null, blank, negative, fractional or
 * unparseable values give empty. No cap is applied here; callers cap the wait. Pure; thread-safe.
 */
public final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * Parses a {@code Retry-After} value.
     *
     * @param headerValue the header value, may be null
     * @param clock the clock that dates are measured against
     * @throws NullPointerException if clock is null
     */
    public static Optional<Duration> parse(String headerValue, Clock clock) {
        java.util.Objects.requireNonNull(clock, "clock");
        if (headerValue == null) {
            return Optional.empty();
        }
        String v = headerValue.trim();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // too large to be meaningful
            }
        }
        try {
            ZonedDateTime date = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), date.toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
