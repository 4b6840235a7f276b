/**
 * The entry of `p100`: the global help and a command's help are printed from here without loading the commands
 * (the catalog, zod, the AWS clients), so `p100 --help` answers at once; everything else loads cli.ts.
 */
import { COMMAND_HELP, HELP } from './help.js';

const args = process.argv.slice(2);
const isHelp = (a: string | undefined) => a === '--help' || a === '-h';
const command = args[0] ?? '';
if (args.length === 0 || (args.length === 1 && (isHelp(args[0]) || args[0] === 'help'))) process.stdout.write(HELP);
else if (args.length === 2 && isHelp(args[1]) && Object.hasOwn(COMMAND_HELP, command)) process.stdout.write(`${COMMAND_HELP[command]}\n`);
else await import('./cli.js');
