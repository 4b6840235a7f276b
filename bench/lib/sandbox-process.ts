import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface SandboxProcess {
  url: string;
  pid: number | undefined;
  close(): Promise<void>;
}

/**
 * The P100 sandbox in a Node process of its own (`local/sandbox/main.ts` on an ephemeral loopback port), so
 * its work and its garbage collections are not in the measuring process (bench B1). Resolves once it
 * printed its URL; `close()` ends that one process.
 */
export async function startSandboxProcess(o: { apiKey: string; webhookToken: string; seed?: number }): Promise<SandboxProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'local', 'sandbox', 'main.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      SANDBOX_PORT: '0',
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_QUIET: '1',
      P100_API_KEY: o.apiKey,
      SANDBOX_WEBHOOK_TOKEN: o.webhookToken,
      SANDBOX_SEED: String(o.seed ?? 1),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`sandbox process did not start in 60 s: ${err.trim().split('\n').slice(-3).join(' | ')}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox process exited ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  return {
    url,
    pid: child.pid,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
