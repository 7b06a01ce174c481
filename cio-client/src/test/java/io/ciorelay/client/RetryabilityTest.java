package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryabilityTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // the retryable ones
        "408, true", "429, true", "500, true", "502, true", "503, true", "504, true", "506, true", "507, true",
        "508, true", "509, true", "510, true", "520, true", "521, true", "522, true", "524, true", "599, true",
        // 5xx that retrying cannot fix
        "501, false", "505, false", "511, false",
        // every other class
        "100, false", "101, false", "200, false", "201, false", "204, false", "207, false", "299, false",
        "301, false", "302, false", "304, false", "307, false", "308, false",
        "400, false", "401, false", "402, false", "403, false", "404, false", "405, false", "406, false",
        "407, false", "409, false", "410, false", "411, false", "413, false", "415, false", "418, false",
        "422, false", "425, false", "428, false", "431, false", "451, false", "499, false",
        "0, false", "-1, false", "600, false", "999, false",
    })
    void retryableStatusTable(int status, boolean retryable) {
        assertEquals(retryable, Retryability.isRetryableStatus(status));
        CioApiException e = CioApiException.from(new ApiResponse(status, Map.of(), new byte[0]), Clock.systemUTC());
        assertEquals(retryable, e.retryable());
        assertEquals(retryable, Retryability.isRetryable(e));
    }

    @Test
    void throwableTable() {
        record Row(Throwable t, boolean retryable) {
        }
        ValidationException invalid = new ValidationException(new Violation("f", "m", -1, -1));
        List<Row> rows = List.of(
                new Row(new CioTransportException("x", null, false), true),
                new Row(new CioTransportException("x", null, true), true),
                new Row(new ConnectException("refused"), true),
                new Row(new HttpTimeoutException("slow"), true),
                new Row(new HttpConnectTimeoutException("slow connect"), true),
                new Row(new IOException("reset"), true),
                new Row(new CompletionException(new ConnectException("refused")), true),
                new Row(new ExecutionException(new CompletionException(new IOException("x"))), true),
                new Row(invalid, false),
                new Row(new CompletionException(invalid), false),
                new Row(new IllegalArgumentException("bug"), false),
                new Row(new NullPointerException(), false),
                new Row(new RuntimeException(new IOException("wrapped in something else")), false),
                new Row(new CioException("other"), false),
                new Row(null, false));
        for (Row r : rows) {
            assertEquals(r.retryable(), Retryability.isRetryable(r.t()), String.valueOf(r.t()));
        }
    }

    @Test
    void apiExceptionIsJudgedByStatus() {
        assertTrue(Retryability.isRetryable(CioApiException.from(new ApiResponse(503, Map.of(), null), Clock.systemUTC())));
        assertFalse(Retryability.isRetryable(new CompletionException(
                CioApiException.from(new ApiResponse(400, Map.of(), null), Clock.systemUTC()))));
    }
}
