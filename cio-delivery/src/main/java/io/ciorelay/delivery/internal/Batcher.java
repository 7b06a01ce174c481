package io.ciorelay.delivery.internal;

import io.ciorelay.delivery.outbox.EntryKind;
import io.ciorelay.delivery.outbox.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Decides what goes into a lane's next request: at most {@code maxOperations} operations, a body
 * strictly under {@code maxBatchBytes} ({@code {"batch":[op,op,...]}}), one kind per request (v2
 * operations together, a v1 anonymous event alone), a merge only at the head of a request (so
 * the scheduler can hold it without holding the operations before it), and a part-full batch
 * only once its oldest operation has lingered {@code linger}. With a wire size (an API whose body
 * is not the stored bytes, such as the Data Pipelines API's Segment-spec calls) a batch also ends
 * before the entry that would take the body over the limit. Pure: no I/O, time is passed in.
 * Immutable and thread-safe.
 */
final class Batcher {
  /** Bytes of {@code {"batch":[} and {@code ]}}. */
  static final int BATCH_ENVELOPE_BYTES = 11;
  private static final byte[] MERGE = "merge".getBytes(StandardCharsets.UTF_8);

  /** What to do with a lane now. */
  public sealed interface Decision {}

  /** Send these entries (the oldest of the lane, in order) as one request. */
  public record Send(List<StoredEntry> entries) implements Decision {}

  /** Wait for more operations (or a flush) until {@code untilMillis}, then decide again. */
  public record Linger(long untilMillis) implements Decision {}

  private final int maxOperations;
  private final long payloadBudget;
  private final long lingerMillis;
  /** Bytes an entry takes in the body, or null when it is its stored payload (read within the budget already). */
  private final ToIntFunction<StoredEntry> wireBytes;

  /**
   * @param maxOperations operations per request, at least 1
   * @param maxBatchBytes the whole request body stays strictly under this many bytes
   * @param lingerMillis  how long a part-full batch waits for more operations
   * @throws IllegalArgumentException if the limits leave no room for an operation
   */
  public Batcher(int maxOperations, int maxBatchBytes, long lingerMillis) {
    this(maxOperations, maxBatchBytes, lingerMillis, null);
  }

  /**
   * A batcher that measures each entry by {@code wireBytes} (its size in the request body) and
   * ends a batch before the entry that would take the body to {@code maxBatchBytes}.
   *
   * @param wireBytes the encoded size of an entry, or null to use its stored payload
   * @throws IllegalArgumentException if the limits leave no room for an operation
   */
  public Batcher(int maxOperations, int maxBatchBytes, long lingerMillis, ToIntFunction<StoredEntry> wireBytes) {
    this.wireBytes = wireBytes;
    if (maxOperations < 1) {
      throw new IllegalArgumentException("maxOperations must be at least 1 but was " + maxOperations);
    }
    if (lingerMillis < 0) {
      throw new IllegalArgumentException("lingerMillis must not be negative but was " + lingerMillis);
    }
    // The body is {"batch":[op,op,...]}: the envelope plus one comma per operation must fit too,
    // and Customer.io wants it strictly under the limit.
    this.payloadBudget = maxBatchBytes - 1L - BATCH_ENVELOPE_BYTES - maxOperations;
    if (payloadBudget < 1) {
      throw new IllegalArgumentException("maxBatchBytes " + maxBatchBytes + " leaves no room for "
          + maxOperations + " operations");
    }
    this.maxOperations = maxOperations;
    this.lingerMillis = lingerMillis;
  }

  /** How many entries to read from the lane for {@link #next}. */
  public int maxOperations() {
    return maxOperations;
  }

  /** The most payload bytes (sum of the operations) to read from the lane for {@link #next}. */
  public long payloadBudget() {
    return payloadBudget;
  }

  /**
   * The next request of a lane from its oldest pending entries ({@code peeked}, in order, as the
   * outbox returned them within {@link #maxOperations()} and {@link #payloadBudget()}).
   *
   * @param flushing send part-full batches at once (a flush or shutdown is under way)
   * @throws IllegalArgumentException if {@code peeked} is empty
   */
  public Decision next(List<StoredEntry> peeked, long nowMillis, boolean flushing) {
    if (peeked.isEmpty()) {
      throw new IllegalArgumentException("peeked must not be empty");
    }
    StoredEntry head = peeked.get(0);
    if (head.kind() != EntryKind.V2_OPERATION) {
      return new Send(List.of(head));
    }
    int n = 1;
    long bytes = size(head) + 1;
    while (n < peeked.size() && peeked.get(n).kind() == EntryKind.V2_OPERATION && !isMerge(peeked.get(n))) {
      long next = size(peeked.get(n)) + 1;
      if (wireBytes != null && bytes + next > payloadBudget) {
        break; // the encoded body would pass the limit
      }
      bytes += next;
      n++;
    }
    boolean cut = n < peeked.size(); // full, or another kind or a merge follows: this batch is closed
    List<StoredEntry> batch = n == peeked.size() ? peeked : peeked.subList(0, n);
    if (!flushing && !cut && n < maxOperations && bytes < payloadBudget / 2) {
      long due = head.acceptedAtMillis() + lingerMillis;
      if (due > nowMillis) {
        return new Linger(due);
      }
    }
    return new Send(List.copyOf(batch));
  }

  private long size(StoredEntry e) {
    return wireBytes == null ? e.payload().length : wireBytes.applyAsInt(e);
  }

  /**
   * Whether the entry is a v2 merge: its top-level {@code action} is {@code "merge"}. Only the
   * top level counts (an event whose attributes hold {@code {"action":"merge"}} is not a merge),
   * and the scan stops at the {@code action} field, which our operations write near the start.
   */
  public static boolean isMerge(StoredEntry e) {
    return e.kind() == EntryKind.V2_OPERATION && TopLevelAction.is(e.payload(), MERGE);
  }
}
