/**
 * The sandbox clock: real time plus an offset that `POST /_sandbox/clock/advance` grows. Everything
 * time-based in the sandbox (lock expiry, card creation windows, createdAt stamps, due settlements)
 * reads this clock, so a test can jump 24 h without waiting. It never runs backwards: history is
 * sorted by createdAt and a wall-clock step back would break that order.
 */
export class SandboxClock {
  #offset = 0;
  #last = 0;

  now(): number {
    const t = Date.now() + this.#offset;
    if (t > this.#last) this.#last = t;
    return this.#last;
  }

  advance(ms: number): number {
    this.#offset += ms;
    return this.now();
  }

  get offsetMs(): number {
    return this.#offset;
  }

  reset(): void {
    this.#offset = 0;
    this.#last = 0;
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
