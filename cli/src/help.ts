/**
 * The help texts of `p100`: kept apart from the commands so `p100 --help` prints without loading the catalog,
 * zod or any AWS client (cli/src/main.ts).
 */
export const EXIT_CODES = `Exit codes
  0  done
  1  the suite refused (a problem answer; nothing was done) or answered outside its schema
  2  usage: an unknown command, operation, option or field (nothing was sent)
  3  outcome unknown: P100 may have acted; reconciliation resolves it (never resend under a new key)
  4  no answer: the suite could not be reached (refused, DNS, TLS) or --timeout ran out
With --json, every failure is one JSON object on stdout: {"error":{"kind","message","exitCode",...}}.`;

export const HELP = `p100 <command> [options]      p100 <command> --help      p100 call <operationId> --help

Commands
  ops                                  list every operation (operationId, method, route, kind)
  call <operationId> [--field k=v ...] [--body file.json|-] [--idempotency-key k]
                                       any operation; k=v is text, k:=v is JSON; path, query and body
                                       fields are told apart by the catalog; a.b=v nests
  trigger <webhook> [--field k=v ...] [--omit k ...] [--envelope wrapped]
                                       the sandbox sends that webhook, any field overridden (p100 trigger --list)
  listen [--forward-to URL] [--type detail-type ...] [--state-file f] [--from-start] [--max-events n]
                                       published events as they happen; resumes after the last one seen,
                                       across restarts of the suite and of the listener
                                       (--stage: the stack's developer feed, -c developerFeed=true)
  reconcile [--wait]                   start a reconciliation run (and wait for its report)
  report [latest|<runId>] [--all]      a reconciliation report
  inbox list [--status DEAD] [--webhook name] [--limit n]
  inbox replay <eventId> | inbox replay --dlq [--webhook name]
  exceptions [list|show|acknowledge|resolve|reopen|assign|note] [<exceptionId>] [--state s] [--class c] [--note "why"] [--owner name]
                                       the exception queue: what reconciliation could not repair
  clock [advance <1h|30m|10s|2d>]      the sandbox clock (local only)

Options
  --json                 machine-readable output (one JSON document, or one line per event; errors too)
  --timeout DURATION     time budget of each request, retries included (2s, 500ms; default 30s);
                         with reconcile --wait, of the whole wait (default 10m)
  --base-url URL         the suite (default $P100_BASE_URL or http://127.0.0.1:3000)
  --stage NAME           a deployed stack: base URL from its CloudFormation outputs, SigV4 from the default credentials
  --region REGION        AWS region for --stage
  --sandbox URL          the sandbox (default $P100_SANDBOX_URL or http://127.0.0.1:4010)
  $P100_JWT              a bearer token, for a stack behind the JWT authorizer (instead of SigV4)

${EXIT_CODES}
`;

/** Per command: what it does, its options, an example. */
export const COMMAND_HELP: Record<string, string> = {
  ops: `p100 ops [--json]

Lists every operation of the catalog: operationId, method, route and kind (read, write, money).
p100 call <operationId> --help shows one operation's fields.`,
  call: `p100 call <operationId> [--field k=v ...] [--body file.json|-] [--idempotency-key k] [--timeout 2s] [--json]

Calls any operation. --field k=v sends text, k:=v JSON (k:=5, k:=true); a.b=v nests. Each field goes to the
path, the query or the body as the catalog says. A write gets an Idempotency-Key (yours with --idempotency-key)
and keeps it across retries.
  p100 call getExchange -f exchangeId=<id>
  p100 call createExchange -f externalUserId=jane -f currencyFrom=eur -f currencyTo=btc -f amount=50 -f lockId=<id>
p100 call <operationId> --help lists that operation's fields.`,
  trigger: `p100 trigger <webhook> [--field k=v ...] [--omit k ...] [--envelope wrapped] [--json]
p100 trigger --list

The local sandbox sends that webhook, built from its template with any field overridden or added
(--field), or removed (--omit). Local only (refuses --stage).
Fixtures: for every webhook but ibanStatus and kycVerificationStatus the entity is made
first, for real (a user through the suite, funded in the sandbox; the exchange, transfer or deposit through the
suite or the sandbox, settled), and the webhook carries its ids and the status P100 holds, so the next
reconciliation has nothing to report. Name the entity (-f exchangeId=…, -f id=…, -f externalUserId=…) to skip it.`,
  listen: `p100 listen [--forward-to URL] [--type detail-type ...] [--state-file f] [--from-start] [--max-events n] [--json]

Published events as they happen, resumable across restarts (the position is saved after each event in
~/.p100/listen-<url>.json or --state-file); --forward-to posts each in EventBridge's envelope.
With --stage, the stack's developer feed (deploy with -c developerFeed=true).`,
  reconcile: `p100 reconcile [--wait] [--timeout 10m] [--json]

Starts a reconciliation run; --wait shows its phases and prints the report.`,
  report: `p100 report [latest|<runId>] [--all] [--json]

A reconciliation report; --all fetches every discrepancy page.`,
  inbox: `p100 inbox list [--status DEAD] [--webhook name] [--limit n] [--json]
p100 inbox replay <eventId>
p100 inbox replay --dlq [--webhook name]

The webhook inbox: list shows full event ids (what replay takes); replay --dlq replays the dead letters page by page.`,
  exceptions: `p100 exceptions [list] [--state active|open|acknowledged|resolved|fixed-at-p100] [--class c] [--limit n] [--json]
p100 exceptions show <exceptionId>
p100 exceptions acknowledge|resolve|reopen|note <exceptionId> --note "why"
p100 exceptions assign <exceptionId> --owner name --note "why"

The exception queue: each discrepancy reconciliation could not repair, once across runs, with its field diff
(ours against P100's), owner and audit trail. Every change needs a note; none touches money.`,
  clock: `p100 clock [advance <1h|30m|10s|2d>] [--json]

The sandbox clock (local only): show it, or move it forward (due settlements run).`,
};
