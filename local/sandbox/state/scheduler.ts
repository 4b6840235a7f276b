import type { SandboxClock } from '../clock.js';

interface Job {
  seq: number;
  label: string;
  dueAt: number;
  run: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Asynchronous settlement. Every accepted operation schedules a job that runs after
 * `settleDelayMs` of real time, or earlier when a test calls `POST /_sandbox/settle` or moves the
 * sandbox clock past its due time. A job runs exactly once whichever comes first; jobs may schedule
 * follow-up jobs (PENDING → PROCESSING → SUCCESSFUL), which `settleAll` also drains.
 */
export class Scheduler {
  #jobs = new Map<number, Job>();
  #seq = 0;
  readonly #clock: SandboxClock;
  readonly #delay: () => number;
  readonly #onError: (label: string, err: unknown) => void;

  constructor(clock: SandboxClock, delay: () => number, onError: (label: string, err: unknown) => void) {
    this.#clock = clock;
    this.#delay = delay;
    this.#onError = onError;
  }

  get pending(): number {
    return this.#jobs.size;
  }

  /** Schedules `run` after the configured settle delay (or `delayMs`). */
  schedule(label: string, run: () => void, delayMs = this.#delay()): void {
    const seq = ++this.#seq;
    const timer = setTimeout(() => this.#run(seq), delayMs);
    this.#jobs.set(seq, { seq, label, dueAt: this.#clock.now() + delayMs, run, timer });
  }

  #run(seq: number): void {
    const job = this.#jobs.get(seq);
    if (!job) return;
    this.#jobs.delete(seq);
    clearTimeout(job.timer);
    try {
      job.run();
    } catch (err) {
      this.#onError(job.label, err);
    }
  }

  /** Runs every pending job (and the jobs they schedule) in creation order; returns how many ran. */
  settleAll(): number {
    let ran = 0;
    for (let round = 0; round < 100 && this.#jobs.size > 0; round++) {
      for (const seq of [...this.#jobs.keys()]) {
        this.#run(seq);
        ran++;
      }
    }
    return ran;
  }

  /** Runs jobs whose due time the sandbox clock has reached (after a clock advance). */
  runDue(): number {
    let ran = 0;
    for (let round = 0; round < 100; round++) {
      const now = this.#clock.now();
      const due = [...this.#jobs.values()].filter((j) => j.dueAt <= now);
      if (due.length === 0) break;
      for (const j of due) {
        this.#run(j.seq);
        ran++;
      }
    }
    return ran;
  }

  clear(): void {
    for (const j of this.#jobs.values()) clearTimeout(j.timer);
    this.#jobs.clear();
  }
}
