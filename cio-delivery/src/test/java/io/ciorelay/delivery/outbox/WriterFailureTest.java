package io.ciorelay.delivery.outbox;

import static io.ciorelay.delivery.outbox.Entries.all;
import static io.ciorelay.delivery.outbox.Entries.appendCommitted;
import static io.ciorelay.delivery.outbox.Entries.config;
import static io.ciorelay.delivery.outbox.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write the database refuses (here a trigger stands in for a disk error) is fatal and reported. */
class WriterFailureTest {

  @TempDir Path dir;

  @Test
  void aFailedCommitFailsFuturesNamingThePathAndLaterAppendsAreRejectedFailed() throws Exception {
    Path file = dir.resolve("outbox.db");
    try (SqliteOutbox outbox = SqliteOutbox.open(config(dir).build())) {
      long kept = appendCommitted(outbox, entry("p", "kept"));
      SqliteTestFiles.execute(file,
          "CREATE TRIGGER refuse BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'simulated disk error'); END");

      AppendResult doomed = outbox.append(entry("p", "doomed"));
      assertTrue(doomed.isAccepted());
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> doomed.committed().get(10, TimeUnit.SECONDS));
      OutboxException cause = (OutboxException) e.getCause();
      assertTrue(cause.getMessage().contains(file.toString()), cause.getMessage());
      assertTrue(cause.getMessage().contains("simulated disk error"), cause.getMessage());

      AppendResult after = outbox.append(entry("p", "after"));
      assertEquals(AppendResult.Reason.FAILED, after.reason());
      assertTrue(after.message().contains(file.toString()), after.message());
      ExecutionException ack = assertThrows(ExecutionException.class,
          () -> outbox.ack(new long[] {kept}).get(10, TimeUnit.SECONDS));
      assertTrue(ack.getCause() instanceof OutboxException);
      assertEquals(new OutboxStats(1, 4, 1_000L, 0, 0), outbox.stats(), "the failed append is not counted");
    }
    SqliteTestFiles.execute(file, "DROP TRIGGER refuse");
    try (SqliteOutbox reopened = SqliteOutbox.open(config(dir).build())) {
      assertEquals(1, all(reopened).size());
      appendCommitted(reopened, entry("p", "works again"));
    }
  }
}
