package io.ddb2delta.tools;

/**
 * Paces calls to a fixed rate by sleeping until each call's slot: slot {@code n} is {@code n /
 * rate} seconds after the first call, so rounding never accumulates into drift.
 *
 * <p>Guarantees: never busy-spins (it sleeps, or returns at once when behind); over any stretch
 * without stalls, {@code n} calls take at least {@code (n - 1) / rate} seconds. After a stall of
 * more than {@link #MAX_LAG_NANOS} it starts a new schedule from now instead of bursting to catch
 * up, so a paused writer never floods the table. Not thread-safe.
 */
final class Pacer {
  /** How far behind schedule the pacer may fall before it forgets the missed slots. */
  static final long MAX_LAG_NANOS = 1_000_000_000L;

  /** Time and sleep, so that tests can drive the pacer without waiting. */
  interface Clock {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    Clock SYSTEM =
        new Clock() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
          }
        };
  }

  private final double nanosPerCall;
  private final Clock clock;
  private long start;
  private long calls = -1;

  Pacer(double callsPerSecond, Clock clock) {
    if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
      throw new IllegalArgumentException("rate must be positive and finite: " + callsPerSecond);
    }
    this.nanosPerCall = 1e9 / callsPerSecond;
    this.clock = clock;
  }

  /** Returns when the next call is due. */
  void acquire() throws InterruptedException {
    long now = clock.nanoTime();
    if (calls < 0) {
      start = now;
      calls = 0;
    }
    long slot = start + Math.round(calls * nanosPerCall);
    if (now - slot > MAX_LAG_NANOS) {
      start = now;
      calls = 0;
      slot = now;
    }
    calls++;
    if (slot > now) {
      clock.sleepNanos(slot - now);
    }
  }
}
