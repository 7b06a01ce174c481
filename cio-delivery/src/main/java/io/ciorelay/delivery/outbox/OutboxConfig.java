package io.ciorelay.delivery.outbox;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of the embedded outbox ({@link SqliteOutbox}), built with {@link #builder()}.
 *
 * <p>Defaults: {@value #DEFAULT_LANES} lanes, {@link Durability#SYNC}, an async commit interval of
 * 50 ms, at most {@value #DEFAULT_MAX_PENDING_OPERATIONS} pending operations and 2 GiB of pending
 * payload bytes, {@link OverflowPolicy#REJECT} with a block timeout of zero, a writer queue of
 * {@value #DEFAULT_WRITER_QUEUE_CAPACITY} entries, groups of at most
 * {@value #DEFAULT_MAX_GROUP_SIZE} entries per transaction, and the system UTC clock. The
 * {@code path} has no default and must be set.
 *
 * <p>Setters reject a bad value at once with an {@link IllegalArgumentException} (or a
 * {@link NullPointerException} for null) naming the field and the value; {@link Builder#build()}
 * checks the rules that span fields and throws {@link IllegalStateException}.
 *
 * <p>Thread-safe (immutable). The builder is not thread-safe.
 */
public final class OutboxConfig {

  public static final int DEFAULT_LANES = 16;
  public static final int MAX_LANES = 1024;
  public static final Durability DEFAULT_DURABILITY = Durability.SYNC;
  public static final Duration DEFAULT_ASYNC_COMMIT_INTERVAL = Duration.ofMillis(50);
  public static final Duration MAX_ASYNC_COMMIT_INTERVAL = Duration.ofMinutes(1);
  public static final long DEFAULT_MAX_PENDING_OPERATIONS = 10_000_000L;
  public static final long DEFAULT_MAX_PENDING_BYTES = 2L * 1024 * 1024 * 1024;
  public static final OverflowPolicy DEFAULT_OVERFLOW_POLICY = OverflowPolicy.REJECT;
  public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ZERO;
  public static final int DEFAULT_WRITER_QUEUE_CAPACITY = 65_536;
  public static final int MAX_WRITER_QUEUE_CAPACITY = 16_777_216;
  public static final int DEFAULT_MAX_GROUP_SIZE = 4096;
  public static final int MAX_GROUP_SIZE = 1_000_000;

  private final Path path;
  private final int lanes;
  private final Durability durability;
  private final Duration asyncCommitInterval;
  private final long maxPendingOperations;
  private final long maxPendingBytes;
  private final OverflowPolicy overflowPolicy;
  private final Duration blockTimeout;
  private final int writerQueueCapacity;
  private final int maxGroupSize;
  private final Clock clock;
  private final java.util.function.LongSupplier ticker;

  private OutboxConfig(Builder b) {
    this.path = b.path;
    this.lanes = b.lanes;
    this.durability = b.durability;
    this.asyncCommitInterval = b.asyncCommitInterval;
    this.maxPendingOperations = b.maxPendingOperations;
    this.maxPendingBytes = b.maxPendingBytes;
    this.overflowPolicy = b.overflowPolicy;
    this.blockTimeout = b.blockTimeout;
    this.writerQueueCapacity = b.writerQueueCapacity;
    this.maxGroupSize = b.maxGroupSize;
    this.clock = b.clock;
    this.ticker = b.ticker;
  }

  /** A builder with every default set and no path. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.path = path;
    b.lanes = lanes;
    b.durability = durability;
    b.asyncCommitInterval = asyncCommitInterval;
    b.maxPendingOperations = maxPendingOperations;
    b.maxPendingBytes = maxPendingBytes;
    b.overflowPolicy = overflowPolicy;
    b.blockTimeout = blockTimeout;
    b.writerQueueCapacity = writerQueueCapacity;
    b.maxGroupSize = maxGroupSize;
    b.clock = clock;
    b.ticker = ticker;
    return b;
  }

  /** The SQLite database file; its parent directories are created on open. */
  public Path path() {
    return path;
  }

  /** Number of lanes entries are spread over by person key. */
  public int lanes() {
    return lanes;
  }

  /** When appended entries reach the disk. */
  public Durability durability() {
    return durability;
  }

  /** Under {@link Durability#ASYNC}, the longest time between commits while entries wait. */
  public Duration asyncCommitInterval() {
    return asyncCommitInterval;
  }

  /** Cap on pending operations (committed or handed over, not yet acknowledged or dead-lettered). */
  public long maxPendingOperations() {
    return maxPendingOperations;
  }

  /** Cap on the sum of pending payload sizes, in bytes. */
  public long maxPendingBytes() {
    return maxPendingBytes;
  }

  /** What append does when a cap is reached. */
  public OverflowPolicy overflowPolicy() {
    return overflowPolicy;
  }

  /** Under {@link OverflowPolicy#BLOCK}, how long append waits for room; zero otherwise. */
  public Duration blockTimeout() {
    return blockTimeout;
  }

  /** Cap on entries handed to the writer but not yet committed; beyond it appends are FULL. */
  public int writerQueueCapacity() {
    return writerQueueCapacity;
  }

  /** Most queued operations the writer applies in one transaction. */
  public int maxGroupSize() {
    return maxGroupSize;
  }

  /** Source of timestamps written by the store (dead-letter time). */
  public Clock clock() {
    return clock;
  }

  /** Monotonic nanoseconds for the writer's group-commit interval; {@code System::nanoTime} by default. */
  public java.util.function.LongSupplier ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "OutboxConfig{path=" + path + ", lanes=" + lanes + ", durability=" + durability
        + ", asyncCommitInterval=" + asyncCommitInterval + ", maxPendingOperations=" + maxPendingOperations
        + ", maxPendingBytes=" + maxPendingBytes + ", overflowPolicy=" + overflowPolicy
        + ", blockTimeout=" + blockTimeout + ", writerQueueCapacity=" + writerQueueCapacity
        + ", maxGroupSize=" + maxGroupSize + ", clock=" + clock + "}";
  }

  /** Builds an {@link OutboxConfig}; each setter validates its value at once. Not thread-safe. */
  public static final class Builder {
    private Path path;
    private int lanes = DEFAULT_LANES;
    private Durability durability = DEFAULT_DURABILITY;
    private Duration asyncCommitInterval = DEFAULT_ASYNC_COMMIT_INTERVAL;
    private long maxPendingOperations = DEFAULT_MAX_PENDING_OPERATIONS;
    private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
    private OverflowPolicy overflowPolicy = DEFAULT_OVERFLOW_POLICY;
    private Duration blockTimeout = DEFAULT_BLOCK_TIMEOUT;
    private int writerQueueCapacity = DEFAULT_WRITER_QUEUE_CAPACITY;
    private int maxGroupSize = DEFAULT_MAX_GROUP_SIZE;
    private Clock clock = Clock.systemUTC();
    private java.util.function.LongSupplier ticker = System::nanoTime;

    private Builder() {}

    /** The SQLite database file (required). */
    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path must not be null");
      return this;
    }

    /** Number of lanes, 1..{@value OutboxConfig#MAX_LANES}; default {@value OutboxConfig#DEFAULT_LANES}. */
    public Builder lanes(int lanes) {
      requireArgument(lanes >= 1 && lanes <= MAX_LANES, "lanes must be in 1..%d but was %d", MAX_LANES, lanes);
      this.lanes = lanes;
      return this;
    }

    /** Default {@link Durability#SYNC}. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability must not be null");
      return this;
    }

    /** Longest wait between ASYNC commits, more than zero and at most one minute; default 50 ms. */
    public Builder asyncCommitInterval(Duration interval) {
      Objects.requireNonNull(interval, "asyncCommitInterval must not be null");
      requireArgument(!interval.isNegative() && !interval.isZero() && interval.compareTo(MAX_ASYNC_COMMIT_INTERVAL) <= 0,
          "asyncCommitInterval must be in (0s..%s] but was %s", MAX_ASYNC_COMMIT_INTERVAL, interval);
      this.asyncCommitInterval = interval;
      return this;
    }

    /** At least 1; default {@value OutboxConfig#DEFAULT_MAX_PENDING_OPERATIONS}. */
    public Builder maxPendingOperations(long max) {
      requireArgument(max >= 1, "maxPendingOperations must be in 1..%d but was %d", Long.MAX_VALUE, max);
      this.maxPendingOperations = max;
      return this;
    }

    /** In bytes, at least 1; default 2 GiB. */
    public Builder maxPendingBytes(long max) {
      requireArgument(max >= 1, "maxPendingBytes must be in 1..%d but was %d", Long.MAX_VALUE, max);
      this.maxPendingBytes = max;
      return this;
    }

    /** Default {@link OverflowPolicy#REJECT}. */
    public Builder overflowPolicy(OverflowPolicy policy) {
      this.overflowPolicy = Objects.requireNonNull(policy, "overflowPolicy must not be null");
      return this;
    }

    /** Zero or more; only meaningful (and then required above zero) with {@link OverflowPolicy#BLOCK}. */
    public Builder blockTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "blockTimeout must not be null");
      requireArgument(!timeout.isNegative(), "blockTimeout must be >= 0s but was %s", timeout);
      this.blockTimeout = timeout;
      return this;
    }

    /** 1..{@value OutboxConfig#MAX_WRITER_QUEUE_CAPACITY}; default {@value OutboxConfig#DEFAULT_WRITER_QUEUE_CAPACITY}. */
    public Builder writerQueueCapacity(int capacity) {
      requireArgument(capacity >= 1 && capacity <= MAX_WRITER_QUEUE_CAPACITY,
          "writerQueueCapacity must be in 1..%d but was %d", MAX_WRITER_QUEUE_CAPACITY, capacity);
      this.writerQueueCapacity = capacity;
      return this;
    }

    /** 1..{@value OutboxConfig#MAX_GROUP_SIZE}; default {@value OutboxConfig#DEFAULT_MAX_GROUP_SIZE}. */
    public Builder maxGroupSize(int size) {
      requireArgument(size >= 1 && size <= MAX_GROUP_SIZE, "maxGroupSize must be in 1..%d but was %d", MAX_GROUP_SIZE, size);
      this.maxGroupSize = size;
      return this;
    }

    /** Default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /** Monotonic nanoseconds; default {@link System#nanoTime()}. */
    public Builder ticker(java.util.function.LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /**
     * Checks the rules that span fields and returns the configuration.
     *
     * @throws IllegalStateException if the path is missing, if {@code blockTimeout} is set without
     *     {@link OverflowPolicy#BLOCK}, or if BLOCK is chosen with a zero block timeout
     */
    public OutboxConfig build() {
      if (path == null) {
        throw new IllegalStateException("path must be set");
      }
      if (overflowPolicy == OverflowPolicy.BLOCK && blockTimeout.isZero()) {
        throw new IllegalStateException("overflowPolicy=BLOCK needs a blockTimeout above 0s but was " + blockTimeout);
      }
      if (overflowPolicy != OverflowPolicy.BLOCK && !blockTimeout.isZero()) {
        throw new IllegalStateException(
            "blockTimeout=" + blockTimeout + " applies only with overflowPolicy=BLOCK but was " + overflowPolicy);
      }
      return new OutboxConfig(this);
    }

    private static void requireArgument(boolean ok, String format, Object... args) {
      if (!ok) {
        throw new IllegalArgumentException(String.format(format, args));
      }
    }
  }
}
