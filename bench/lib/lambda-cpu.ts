import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The Lambda CPU model (issue 28; sources in bench/README.md "Lambda CPU model"): a function gets CPU in
 * proportion to its memory: one vCPU-second of credits per second at 1,769 MB, linear in memory.
 */
export const FULL_VCPU_MB = 1769;
export const MEMORY_SIZES_MB = [128, 256, 512, 1024, 1769] as const;

/**
 * CPU share (in vCPU-seconds per second) for `memoryMb`: memory / 1,769 MB, at most 6 (10,240 MB) and at most
 * this machine's cores. A function sees 2 or more vCPUs at any size, but its credits are this share in total,
 * which a CFS quota over all cores models.
 */
export function cpuShare(memoryMb: number, cores = os.cpus().length): number {
  return Math.min(memoryMb / FULL_VCPU_MB, 6, cores);
}

/**
 * CFS period (µs) of the quota. Lambda's own period is not published (ASSUMPTIONS W3); 20 ms spreads a small
 * share finely enough that a 5 ms request is not parked for most of a 100 ms period; BENCH_CFS_PERIOD_US overrides.
 */
export function cfsPeriodUs(): number {
  const v = Number(process.env.BENCH_CFS_PERIOD_US);
  return Number.isInteger(v) && v >= 1000 && v <= 1_000_000 ? v : 20_000;
}

const CPU_ROOT = '/sys/fs/cgroup/cpu';

/** A cgroup v1 CPU group with a CFS quota; a process joins it by writing its pid to `procsFile`. */
export interface CpuGroup {
  share: number;
  quotaUs: number;
  periodUs: number;
  /** `cgroup.procs` of the group: writing a pid moves the whole process (all its threads) in. */
  procsFile: string;
  /** Removes the group (its processes must have exited). */
  remove(): void;
}

let seq = 0;

/** Creates a group holding `share` cores (cgroup v1, needs root); undefined when cgroups are not writable here. */
export function createCpuGroup(share: number): CpuGroup | undefined {
  if (process.env.BENCH_NO_CGROUP === '1' || !existsSync(path.join(CPU_ROOT, 'cpu.cfs_quota_us'))) return undefined;
  const dir = path.join(CPU_ROOT, `p100-bench-${process.pid}-${seq++}`);
  try {
    mkdirSync(dir);
    const periodUs = cfsPeriodUs();
    // The kernel's minimum quota is 1 ms.
    const quotaUs = Math.max(1000, Math.round(share * periodUs));
    writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(periodUs));
    writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
    return {
      share,
      quotaUs,
      periodUs,
      procsFile: path.join(dir, 'cgroup.procs'),
      remove: () => {
        try {
          rmdirSync(dir);
        } catch {
          // Still holds a process that has not exited yet: the next run's name differs, nothing collides.
        }
      },
    };
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // never created
    }
    return undefined;
  }
}

/** Whether this machine can run the model with real quotas (else figures are CPU time / share, and say so). */
export function cgroupsWritable(): boolean {
  const g = createCpuGroup(0.5);
  g?.remove();
  return g !== undefined;
}

/** Throttled time of a group's processes so far (cpu.stat `throttled_time`, ns → ms), for the report. */
export function throttledMs(g: CpuGroup): number {
  try {
    const m = /throttled_time (\d+)/.exec(readFileSync(path.join(path.dirname(g.procsFile), 'cpu.stat'), 'utf8'));
    return m ? Number(m[1]) / 1e6 : 0;
  } catch {
    return 0;
  }
}

/** A function's configured memory (infra/lib/access.ts, from bench/memory-table.json) and its CPU share. */
export async function configuredShare(functionName: string): Promise<{ memoryMb: number; share: number }> {
  const [{ sizingFor }, { functionSpecs }] = await Promise.all([import('../../infra/lib/access.js'), import('../../shared/functions.js')]);
  const spec = functionSpecs().find((s) => s.name === functionName);
  if (!spec) throw new Error(`no function ${functionName}`);
  const memoryMb = sizingFor(spec).memoryMb;
  return { memoryMb, share: cpuShare(memoryMb) };
}

/** The memory table's figures of one kind at one size (B10, measured under cgroup quotas), for B1 and B3 to print beside theirs. */
export async function tableFigures(kind: string, memoryMb: number): Promise<string> {
  const { readMemoryTable } = await import('../../infra/lib/memory-table.js');
  const t = readMemoryTable();
  const f = (t.kinds as Record<string, { sizes: Record<string, { warmP50Ms: number; warmP99Ms: number; coldPathMs: number; load1m: number }> }>)[kind]?.sizes[
    String(memoryMb)
  ];
  return f
    ? `B10 (${t.generatedAt}) measured it under a CPU quota at ${memoryMb} MB: warm p50 ${f.warmP50Ms} ms, p99 ${f.warmP99Ms} ms, cold path ${Math.round(f.coldPathMs)} ms (load ${f.load1m})`
    : `B10 has no figure at ${memoryMb} MB`;
}
