package io.ciorelay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for {@link Operation#fromJson}: any bytes either become an operation whose wire
 * form reads back as the same operation, or are refused with a {@link ValidationException} that
 * names at least one problem — never another exception.
 */
class OperationFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fromJson(byte[] json) {
        Operation op;
        try {
            op = Operation.fromJson(json);
        } catch (ValidationException e) {
            assertFalse(e.violations().isEmpty() || e.getMessage().isBlank(), "a refusal with a reason");
            return;
        }
        Limits.check(op);
        assertEquals(op, Operation.fromJson(op.toJson()), "the wire form reads back unchanged");
    }
}
