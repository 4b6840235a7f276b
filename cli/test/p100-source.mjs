#!/usr/bin/env node
// `p100` from its TypeScript source, through tsx's loader: what this repository's tests spawn, so they run the code
// as it is now without a build. The package's bin (cli/bin/p100.js) runs the built cli/dist/main.js with plain node.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
