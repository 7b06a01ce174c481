package io.ciorelay.delivery.internal;

/**
 * Reads the top-level {@code "action"} string of a v2 operation's JSON without building a tree:
 * walks the top-level fields, skipping nested values, and stops at {@code action}. Written by hand
 * because it runs for every operation the batcher looks at and a parser (even Jackson's streaming
 * one) costs several times more per call than this walk. Stateless and thread-safe.
 */
final class TopLevelAction {
  private static final byte[] ACTION = {'a', 'c', 't', 'i', 'o', 'n'};

  private TopLevelAction() {}

  /**
   * Whether {@code json} is an object whose top-level {@code action} is the string {@code value}
   * (compared as written, without unescaping: actions are plain ASCII words). False for anything
   * that is not such an object.
   */
  static boolean is(byte[] json, byte[] value) {
    int i = skipSpace(json, 0);
    if (i >= json.length || json[i] != '{') {
      return false;
    }
    i++;
    while (true) {
      i = skipSpace(json, i);
      if (i >= json.length || json[i] != '"') {
        return false;
      }
      int keyStart = i + 1;
      int keyEnd = endOfString(json, i);
      if (keyEnd < 0) {
        return false;
      }
      i = skipSpace(json, keyEnd + 1);
      if (i >= json.length || json[i] != ':') {
        return false;
      }
      i = skipSpace(json, i + 1);
      if (equals(json, keyStart, keyEnd, ACTION)) {
        if (i >= json.length || json[i] != '"') {
          return false;
        }
        int end = endOfString(json, i);
        return end > 0 && equals(json, i + 1, end, value);
      }
      i = skipValue(json, i);
      if (i < 0) {
        return false;
      }
      i = skipSpace(json, i);
      if (i >= json.length || json[i] != ',') {
        return false; // the end of the object (or malformed): no top-level action
      }
      i++;
    }
  }

  /** The index of the quote closing the string whose opening quote is at {@code open}, or -1. */
  private static int endOfString(byte[] b, int open) {
    for (int i = open + 1; i < b.length; i++) {
      if (b[i] == '\\') {
        i++;
      } else if (b[i] == '"') {
        return i;
      }
    }
    return -1;
  }

  /** The index just after the value starting at {@code i}, or -1 if it does not end. */
  private static int skipValue(byte[] b, int i) {
    if (i >= b.length) {
      return -1;
    }
    if (b[i] == '"') {
      int end = endOfString(b, i);
      return end < 0 ? -1 : end + 1;
    }
    if (b[i] == '{' || b[i] == '[') {
      int depth = 0;
      for (; i < b.length; i++) {
        byte c = b[i];
        if (c == '"') {
          i = endOfString(b, i);
          if (i < 0) {
            return -1;
          }
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            return i + 1;
          }
        }
      }
      return -1;
    }
    while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']') {
      i++; // a number, true, false or null
    }
    return i;
  }

  private static int skipSpace(byte[] b, int i) {
    while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean equals(byte[] b, int from, int to, byte[] word) {
    if (to - from != word.length) {
      return false;
    }
    for (int k = 0; k < word.length; k++) {
      if (b[from + k] != word[k]) {
        return false;
      }
    }
    return true;
  }
}
