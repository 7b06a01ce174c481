package io.ciorelay.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ciorelay.client.Action;
import io.ciorelay.client.Operation;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The identify dedup guard: an identify identical to the last one accepted for the same person
 * within the window is skipped. A delete, suppress, unsuppress or merge forgets the person (the
 * next identify is sent even if unchanged). A digest is remembered from acceptance and forgotten
 * again if its commit fails, so a caller retrying after {@code durable()} said false gets the
 * identify stored, not skipped. Thread-safe (a Caffeine cache).
 */
final class IdentifyGuard {
  /** An identify's digest, remembered while its commit is not known to have failed. */
  record Entry(String personKey, String digest) {}

  /** What the guard says of one operation: a repeat to skip, or go ahead (with an entry to remember, for an identify). */
  record Check(boolean repeat, Entry entry) {
    static final Check GO = new Check(false, null);
    static final Check REPEAT = new Check(true, null);
  }

  private final Cache<String, String> last;

  private IdentifyGuard(Cache<String, String> last) {
    this.last = last;
  }

  /**
   * A guard over {@code window} holding at most {@code size} people; none if the window is zero.
   *
   * @param ticker monotonic nanoseconds the window is measured on
   */
  static IdentifyGuard create(Duration window, long size, LongSupplier ticker) {
    return new IdentifyGuard(window.isZero() ? null
        : Caffeine.newBuilder().maximumSize(size).expireAfterWrite(window).ticker(ticker::getAsLong).build());
  }

  /**
   * Looks at an operation about to be stored: {@code original} as given (its digest ignores the
   * stamped timestamp), {@code stamped} as it will be stored.
   */
  Check check(Operation original, Operation stamped) {
    if (last == null) {
      return Check.GO;
    }
    Action action = stamped.action();
    if (action == Action.IDENTIFY) {
      String digest = digest(original.toJson());
      if (digest.equals(last.getIfPresent(stamped.personKey()))) {
        return Check.REPEAT;
      }
      return new Check(false, new Entry(stamped.personKey(), digest));
    }
    if (action == Action.DELETE || action == Action.SUPPRESS || action == Action.UNSUPPRESS
        || action == Action.MERGE) {
      // These change the person an identify would update, so the next identify is sent even
      // if its attributes are unchanged.
      last.invalidate(stamped.personKey());
      if (stamped.secondary() != null) {
        last.invalidate(Operation.identify(stamped.secondary(), Map.of()).personKey());
      }
    }
    return Check.GO;
  }

  /** Remembers an identify being appended (null: nothing to remember). */
  void remember(Entry entry) {
    if (entry != null) {
      last.put(entry.personKey(), entry.digest());
    }
  }

  /** Forgets an identify whose append or commit failed, unless a newer one replaced it (null: nothing). */
  void forget(Entry entry) {
    if (entry != null) {
      last.asMap().remove(entry.personKey(), entry.digest());
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return Arrays.toString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
