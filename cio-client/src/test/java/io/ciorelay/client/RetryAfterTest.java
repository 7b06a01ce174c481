package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

class RetryAfterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:27:00Z"), ZoneOffset.UTC);

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "0|0",
        "1|1",
        "120|120",
        "' 30 '|30",
        "Wed, 21 Oct 2015 07:28:00 GMT|60",
        "Wed, 21 Oct 2015 08:27:00 GMT|3600",
        "Wed, 21 Oct 2015 07:27:00 GMT|0",
        "Wed, 21 Oct 2015 07:00:00 GMT|0",
    })
    void parses(String value, long seconds) {
        assertEquals(Optional.of(Duration.ofSeconds(seconds)), RetryAfter.parse(value, CLOCK));
    }

    @ParameterizedTest(name = "''{0}'' -> empty")
    @NullSource
    @CsvSource(delimiter = '|', value = {"''", "' '", "-5", "+5", "1.5", "soon", "5s", "99999999999999999999999",
        "2015-10-21T07:28:00Z", "Wed, 32 Oct 2015 07:28:00 GMT"})
    void rejects(String value) {
        assertEquals(Optional.empty(), RetryAfter.parse(value, CLOCK));
    }

    @Test
    void clockIsRequired() {
        assertThrows(NullPointerException.class, () -> RetryAfter.parse("1", null));
    }
}
