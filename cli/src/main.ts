/**
 * The entry of `p100`: the global help is printed from here without loading the commands (the catalog, zod, the
 * AWS clients), so `p100 --help` answers at once; everything else loads cli.ts.
 */
import { HELP } from './help.js';

const args = process.argv.slice(2);
if (args.length === 0 || (args.length === 1 && ['--help', '-h', 'help'].includes(args[0] ?? ''))) process.stdout.write(HELP);
else await import('./cli.js');
