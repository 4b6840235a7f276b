/**
 * `--stage`: the base URL from the stack's CloudFormation outputs and SigV4 from the default credential chain.
 * CloudFormation and the API are loopback stand-ins (AWS_ENDPOINT_URL_CLOUDFORMATION); nothing leaves 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { json, type Loopback, startLoopback } from '../../test/support/loopback.js';
import { signRequest } from '../src/auth.js';
import { isEventOf, parseEvent } from '../src/events.js';
import { apiUrlOf, stackNameOf } from '../../cli/src/stage.js';
import { BUILT_CLI } from '../../test/support/cli.js';

// The built command (test/support/cli.ts): a tsx start per spawn made these tests time out under load.
const BIN = BUILT_CLI;
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const servers: Loopback[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const report = {
  runId: '20261202T080000Z-1a2b3c4d',
  status: 'COMPLETED',
  phase: 'done',
  trigger: 'schedule',
  requestedAt: '2026-12-02T08:00:00.000Z',
  finishedAt: '2026-12-02T08:00:05.000Z',
  window: { to: '2026-12-02T08:00:00.000Z' },
  counts: { accounts: 2 },
  discrepancyCount: 0,
  discrepancies: [],
};

describe('--stage', () => {
  it('names the stack and finds its ApiUrl output', () => {
    expect(stackNameOf('production')).toBe('P100Suite-Production');
    expect(() => stackNameOf('../x')).toThrow(/not a stage name/);
    expect(
      apiUrlOf(
        [
          { OutputKey: 'ApiKeySecretName', OutputValue: 'x' },
          { OutputKey: 'ApiApiUrl3F2A9B', OutputValue: 'https://a.example' },
        ],
        's',
      ),
    ).toBe('https://a.example');
    expect(() => apiUrlOf([], 'P100Suite-X')).toThrow(/no ApiUrl output/);
  });

  it('p100 report --stage reads the stack outputs and signs the request with the default credentials', async () => {
    const api = await startLoopback((_req, res) => json(res, 200, report));
    servers.push(api);
    const cfn = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>P100Suite-Test</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime>
<Outputs><member><OutputKey>ApiApiUrl1A2B3C</OutputKey><OutputValue>${api.url}</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    });
    servers.push(cfn);
    const env: Record<string, string | undefined> = {
      ...process.env,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'report', 'latest', '--stage', 'test', '--region', 'eu-central-1', '--json'],
        { env, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).runId).toBe(report.runId);
    expect(new URLSearchParams(cfn.requests[0]?.body).get('StackName')).toBe('P100Suite-Test');

    const got = api.requests[0]!;
    expect(got.url).toBe('/operations/reconciliation/reports/latest');
    const auth = String(got.headers.authorization);
    expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request, /);
    // The signature is the one the SDK signer gives for exactly this request at its x-amz-date.
    const amzDate = String(got.headers['x-amz-date']);
    const at = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const again = await signRequest(
      { method: 'GET', url: new URL(`${api.url}${got.url}`), headers: { accept: String(got.headers.accept) } },
      { credentials: CREDS, region: 'eu-central-1', signingDate: at },
    );
    expect(auth).toBe(again.authorization);
  });

  it('p100 listen --stage drains the developer feed: shows and forwards before it deletes, filters by type', async () => {
    const timeline: string[] = [];
    const event = (id: string, detailType: string, detail: Record<string, unknown>) =>
      JSON.stringify({
        version: '0',
        id,
        'detail-type': detailType,
        source: 'p100.partner-suite',
        time: '2026-12-02T08:00:00Z',
        region: 'eu-central-1',
        detail,
      });
    const base = { version: '1', eventId: 'e'.repeat(64), occurredAt: '2026-12-02T08:00:00Z', source: 'webhook' };
    const bodies = [
      event('m-user', 'p100.user.status-changed', { ...base, webhook: 'userStatus', entityId: 'u-1', status: 'ACTIVE', data: {} }),
      event('m-ex', 'p100.exchange.status-changed', { ...base, webhook: 'exchange', entityId: 'ex-1', status: 'COMPLETED', data: { exchangeId: 'ex-1' } }),
    ];
    let served = false;
    const sqs = await startLoopback((req, res, _hit, body) => {
      const target = String(req.headers['x-amz-target']);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      if (target.endsWith('ReceiveMessage')) {
        const messages = served
          ? []
          : bodies.map((b, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, MD5OfBody: createHash('md5').update(b).digest('hex'), Body: b }));
        served = true;
        return res.end(JSON.stringify({ Messages: messages }));
      }
      timeline.push(`delete ${(JSON.parse(body) as { ReceiptHandle: string }).ReceiptHandle}`);
      res.end('{}');
    });
    servers.push(sqs);
    const sink = await startLoopback((_req, res, hit, body) => {
      timeline.push(`forward ${hit} ${JSON.parse(body)['detail-type']}`);
      json(res, hit === 1 ? 500 : 200, {});
    });
    servers.push(sink);
    const cfn = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>P100Suite-Test</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime>
<Outputs><member><OutputKey>DeveloperFeedQueueUrl</OutputKey><OutputValue>${sqs.url}/123456789012/feed</OutputValue></member></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    });
    servers.push(cfn);
    const env: Record<string, string | undefined> = {
      ...process.env,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          BIN,
          'listen',
          '--stage',
          'test',
          '--region',
          'eu-central-1',
          '--json',
          '--type',
          'p100.exchange.status-changed',
          '--forward-to',
          sink.url,
          '--max-events',
          '1',
        ],
        { env, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout, run.stderr).not.toBe('');
    const shown = parseEvent(JSON.parse(run.stdout.trim()));
    expect(isEventOf(shown, 'p100.exchange.status-changed') && shown.detail.entityId).toBe('ex-1');
    // The filtered-out event is dropped from the feed; the shown one is deleted only after its forward succeeded.
    expect(timeline).toEqual(['delete r0', 'forward 1 p100.exchange.status-changed', 'forward 2 p100.exchange.status-changed', 'delete r1']);
  });

  it('p100 listen --stage on a stack without the feed says how to deploy it', async () => {
    const cfn = await startLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
<StackName>P100Suite-Test</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime><Outputs></Outputs>
</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    });
    servers.push(cfn);
    const env: Record<string, string | undefined> = {
      ...process.env,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'listen', '--stage', 'test', '--region', 'eu-central-1'], { env, timeout: 60_000 }, (err, _stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stderr }),
      );
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('developerFeed=true');
  });

  it('P100_JWT: a stack behind the JWT authorizer gets the token as a bearer, not a signature', async () => {
    const api = await startLoopback((_req, res) => json(res, 200, report));
    servers.push(api);
    const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, 'report', '--base-url', api.url, '--json'],
        { env: { ...process.env, P100_JWT: 'eyJ.test.token' }, timeout: 30_000 },
        (err, _stdout, stderr) => resolve({ code: err ? 1 : 0, stderr }),
      );
    });
    expect(run.code, run.stderr).toBe(0);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer eyJ.test.token');
  });
});
