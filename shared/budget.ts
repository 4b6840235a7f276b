/**
 * A time budget around one piece of work (issue 23: bounded work per item and per page in every job).
 *
 * `fn` is started with an AbortSignal; the returned promise settles when `fn` settles or when the budget is
 * spent, whichever comes first, and the timer is cleared either way. A synchronous throw inside `fn` becomes
 * a rejection, never an exception that skips the caller's bookkeeping. Work that ignores the signal goes on
 * in the background, but nobody waits for it: the job moves to its next item.
 *
 * Hand-written (a dozen lines) rather than p-timeout: the suite has no such dependency, and it needs the
 * signal passed in and a named error the callers can tell from the work's own failures.
 *
 * @example
 * const details = await withinBudget(60_000, `details of ${id}`, (signal) => fetchDetails(type, id, { signal }));
 */
export class BudgetExceededError extends Error {
  override readonly name = 'BudgetExceededError';
  constructor(
    readonly what: string,
    readonly budgetMs: number,
  ) {
    super(`${what} ran past its budget of ${budgetMs} ms; it was given up (quarantined or retried), and the job went on`);
  }
}

export async function withinBudget<T>(budgetMs: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new BudgetExceededError(what, budgetMs);
      controller.abort(e);
      reject(e);
    }, budgetMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason for a report or a log line (no stack, no raw values beyond the message). */
export function reasonOf(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a reason is one printable line
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').slice(0, 500);
}
