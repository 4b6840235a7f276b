/**
 * Runs in every test worker before the test file (vitest `setupFiles`).
 *
 * Why: Powertools Logger and Metrics do not print through the global `console` that vitest intercepts; each
 * builds its own `new Console({ stdout: process.stdout, stderr: process.stderr })` at construction, so their
 * JSON log lines and EMF metric lines went straight to the terminal (about 1,000 lines per `npm test`, 21 of
 * them ERROR from fault tests that pass). Sending whatever reaches `process.stdout`/`process.stderr` through
 * vitest's console attributes each line to the running test, and `silent: 'passed-only'` in vitest.config.ts
 * then prints those lines only under a failing test, suite or file.
 *
 * Tests that capture output themselves (`captureOutput` in test/support/events.ts) replace `write` for the
 * duration and restore the function they found, so they keep seeing the raw lines.
 */
const sink = globalThis.console;

function route(stream: NodeJS.WriteStream, print: (text: string) => void): void {
  const original = stream.write.bind(stream);
  // Reentrancy guard: should vitest's console itself write to this stream (e.g. `--disableConsoleIntercept`),
  // the chunk goes out unchanged instead of looping.
  let forwarding = false;
  const write = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    if (forwarding) return original(chunk as string, encodingOrCallback as BufferEncoding, callback as () => void);
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk).toString(typeof encodingOrCallback === 'string' ? (encodingOrCallback as BufferEncoding) : 'utf8')
          : String(chunk);
    forwarding = true;
    try {
      // console.* adds its own newline; the chunk usually ends with one already.
      print(text.endsWith('\n') ? text.slice(0, -1) : text);
    } finally {
      forwarding = false;
    }
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') process.nextTick(() => (done as (err?: Error | null) => void)(null));
    return true;
  };
  stream.write = write as typeof stream.write;
}

route(process.stdout, (text) => sink.log(text));
route(process.stderr, (text) => sink.error(text));
