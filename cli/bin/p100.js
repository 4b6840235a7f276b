#!/usr/bin/env node
// The `p100` command. Runs the TypeScript source through tsx's loader until the package ships built files.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
