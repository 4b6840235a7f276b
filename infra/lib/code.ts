import { existsSync } from 'node:fs';
import path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { CodeSource } from './suite-stack.js';

export class MissingBundleError extends Error {
  constructor(distDir: string, missing: string[]) {
    super(`No bundle in ${distDir} for: ${missing.join(', ')}. Run \`npm run build\` first (it lists missing entry files).`);
    this.name = 'MissingBundleError';
  }
}

/**
 * Code from the bundles `infra/build.ts` wrote: `dist/functions/<name>/index.mjs`, `dist/layer/` (client
 * layer) and `dist/sdk-layer/` (AWS SDK layer).
 * With `placeholderForMissing`, a function without a bundle gets `placeholder` (tests only).
 */
export function distCode(distDir: string, options: { names?: readonly string[]; placeholderForMissing?: () => lambda.Code } = {}): CodeSource {
  const functionDir = (name: string): string => path.join(distDir, 'functions', name);
  const has = (name: string): boolean => existsSync(path.join(functionDir(name), 'index.mjs'));
  if (options.names && !options.placeholderForMissing) {
    const missing = options.names.filter((n) => !has(n));
    if (missing.length > 0) throw new MissingBundleError(distDir, missing);
  }
  return {
    functionCode(name) {
      if (has(name)) return lambda.Code.fromAsset(functionDir(name));
      if (options.placeholderForMissing) return options.placeholderForMissing();
      throw new MissingBundleError(distDir, [name]);
    },
    layerCode() {
      const dir = path.join(distDir, 'layer');
      if (existsSync(path.join(dir, 'nodejs', 'p100-shared', 'index.mjs'))) return lambda.Code.fromAsset(dir);
      if (options.placeholderForMissing) return options.placeholderForMissing();
      throw new MissingBundleError(distDir, ['layer (shared/index.ts)']);
    },
    consoleSiteDir() {
      // infra/build.ts builds it (Vite) into dist/console; only a stack with the console asks for it.
      const dir = path.join(distDir, 'console');
      if (existsSync(path.join(dir, 'index.html'))) return dir;
      throw new MissingBundleError(distDir, ['console (the operator console, console/)']);
    },
    sdkLayerCode() {
      const dir = path.join(distDir, 'sdk-layer');
      if (existsSync(path.join(dir, 'nodejs', 'node_modules', '@aws-sdk'))) return lambda.Code.fromAsset(dir);
      if (options.placeholderForMissing) return options.placeholderForMissing();
      throw new MissingBundleError(distDir, ['sdk-layer (the @aws-sdk/* packages the client layer imports)']);
    },
  };
}

/** One tiny directory for every function and the layer: fast synths in tests, no build needed. */
export function placeholderCode(dir: string): CodeSource {
  // A Code asset binds to one stack, so each function gets its own (same content: staged once).
  return {
    functionCode: () => lambda.Code.fromAsset(dir),
    layerCode: () => lambda.Code.fromAsset(dir),
    sdkLayerCode: () => lambda.Code.fromAsset(dir),
    consoleSiteDir: () => dir,
  };
}
