#!/usr/bin/env node
// The `p100` command: the built JavaScript (cli/dist/main.js, from `npm run build -w @p100-suite/cli`), run by plain node.
await import('../dist/main.js');
