// A token bucket limiting how many packet-ins one controller session gets
// per second, with the drops counted (issue 4 §3, as Open vSwitch's
// controller_rate / controller_burst_limit).
//
// What?  take() answers whether one more packet-in may go now.  The bucket
// holds up to 'burst' tokens and refills at 'rate' per second; each
// packet-in spends one.  A refused one is counted in 'dropped', a sent one
// in 'sent', and both are reported in the session's status.
//
// Design.  Refill is computed lazily from the elapsed time at each take(),
// so an idle session costs nothing and no timer runs.  A rate of 0 means
// unlimited.  The clock is injectable for tests.
//
// Thread-safety: event-loop only.

export class PacketInLimiter {
  sent = 0;
  dropped = 0;
  private tokens: number;
  private last: number;

  /** 'rate' packet-ins per second (0: unlimited), 'burst' tokens at most (default: one second's worth). */
  constructor(readonly rate: number, readonly burst = rate, private readonly now: () => number = () => performance.now()) {
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`packet-in rate ${rate} is not a number >= 0`);
    if (rate > 0 && !(burst >= 1)) throw new RangeError(`packet-in burst ${burst} is below 1`);
    this.tokens = burst;
    this.last = now();
  }

  /** True (and counted as sent) when a packet-in may go now; false (counted as dropped) when the bucket is empty. */
  take(): boolean {
    if (this.rate === 0) {
      this.sent++;
      return true;
    }
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) * this.rate) / 1000);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.sent++;
      return true;
    }
    this.dropped++;
    return false;
  }

  /** Counts a packet-in dropped for another reason (the session's send buffer is full). */
  drop(): void {
    this.dropped++;
  }
}
