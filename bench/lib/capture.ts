/**
 * Captures what this process writes to stdout and stderr (the Powertools logger writes its JSON lines
 * there, as Lambda would ship them to CloudWatch). Used to keep 2,000 log lines out of a benchmark's
 * output and to scan a drill's logs for secrets.
 */
export interface Capture {
  /** Every chunk written while capturing, as text. */
  readonly chunks: string[];
  /** Bytes written while capturing. */
  bytes: number;
  stop(): void;
}

type Write = typeof process.stdout.write;

/** The real stdout, taken when this module loads (before any capture). */
const realStdout = process.stdout.write.bind(process.stdout) as Write;

export function captureOutput(opts: { keep: boolean }): Capture {
  const out = process.stdout.write.bind(process.stdout) as Write;
  const err = process.stderr.write.bind(process.stderr) as Write;
  const cap: Capture = {
    chunks: [],
    bytes: 0,
    stop() {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
  const sink = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
    cap.bytes += Buffer.byteLength(text);
    if (opts.keep) cap.chunks.push(text);
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as Write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  return cap;
}

/** Prints to the real stdout even while a capture is active. */
export function say(line: string): void {
  realStdout(`${line}\n`);
}
