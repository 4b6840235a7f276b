/**
 * The Lambda CPU model of the benchmarks (issue 28, bench/lib/lambda-cpu.ts): the share for a memory size and
 * the fallback when no cgroup can be made. No quota is applied here (that needs root and is the benchmarks').
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpuShare, createCpuGroup, MEMORY_SIZES_MB } from '../../bench/lib/lambda-cpu.js';

describe('cpuShare: memory / 1,769 MB of a vCPU', () => {
  it('gives 0.145 of a vCPU at 256 MB, one at 1,769 MB, linear between', () => {
    expect(cpuShare(256, 2)).toBeCloseTo(0.1447, 4);
    expect(cpuShare(128, 2)).toBeCloseTo(0.0724, 4);
    expect(cpuShare(1769, 2)).toBe(1);
    expect(cpuShare(1024, 2) / cpuShare(512, 2)).toBeCloseTo(2, 10);
    expect([...MEMORY_SIZES_MB]).toEqual([128, 256, 512, 1024, 1769]);
  });

  it('is capped by 6 vCPUs (10,240 MB gives 5.79) and by the cores of the machine', () => {
    expect(cpuShare(10240, 8)).toBeCloseTo(5.789, 3);
    expect(cpuShare(10240, 2)).toBe(2);
    expect(cpuShare(20000, 16)).toBe(6);
  });
});

describe('createCpuGroup', () => {
  afterEach(() => {
    delete process.env.BENCH_NO_CGROUP;
  });
  it('declines when cgroups are switched off, so the model falls back to CPU time / share', () => {
    process.env.BENCH_NO_CGROUP = '1';
    expect(createCpuGroup(0.5)).toBeUndefined();
  });
});
