package io.ddb2delta.mapping;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * A fast reader for the one ISO-8601 form that almost every item uses, {@code
 * yyyy-MM-ddTHH:mm:ss[.fraction][Z|±hh:mm]}. Anything else (other separators, week dates, leap
 * seconds, nanosecond digits beyond the sixth) is left to {@code java.time}, which is about ten
 * times slower, by answering {@link #NOT_SIMPLE}.
 */
final class IsoInstants {
  /** The answer for text this reader leaves to the general parser. */
  static final long NOT_SIMPLE = Long.MIN_VALUE;

  private IsoInstants() {}

  /** Microseconds since the epoch, or {@link #NOT_SIMPLE}. */
  static long parseMicros(String s) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return NOT_SIMPLE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return NOT_SIMPLE;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return NOT_SIMPLE;
    }
    int i = 19;
    long micros = 0;
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 6) {
        return NOT_SIMPLE;
      }
      micros = digits(s, start, count);
      for (int k = count; k < 6; k++) {
        micros *= 10;
      }
    }
    int offsetSeconds;
    if (i == n) {
      offsetSeconds = 0;
    } else if (s.charAt(i) == 'Z' && i + 1 == n) {
      offsetSeconds = 0;
    } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
      int oh = digits(s, i + 1, 2);
      int om = digits(s, i + 4, 2);
      if (oh < 0 || om < 0 || oh > 18 || om > 59) {
        return NOT_SIMPLE;
      }
      offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
    } else {
      return NOT_SIMPLE;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return NOT_SIMPLE;
    }
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1_000_000L + micros;
  }

  /** The non-negative number in {@code s[from, from+count)}, or -1 if it is not all digits. */
  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int k = from; k < from + count; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
