import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { regionOfUrl, signRequest } from '../src/auth.js';

const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const hex = (data: string) => createHash('sha256').update(data).digest('hex');

/** SigV4 written out from the spec (docs.aws.amazon.com "Create a signed AWS API request"), to check the SDK's signer against. */
function specSignature(o: {
  method: string;
  host: string;
  path: string;
  query: string;
  amzDate: string;
  region: string;
  service: string;
  body: string;
}): string {
  const canonical = [o.method, o.path, o.query, `host:${o.host}\nx-amz-date:${o.amzDate}\n`, 'host;x-amz-date', hex(o.body)].join('\n');
  const day = o.amzDate.slice(0, 8);
  const scope = `${day}/${o.region}/${o.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', o.amzDate, scope, hex(canonical)].join('\n');
  const k = hmac(hmac(hmac(hmac(`AWS4${CREDS.secretAccessKey}`, day), o.region), o.service), 'aws4_request');
  return createHmac('sha256', k).update(toSign).digest('hex');
}

describe('SigV4 signing (the AWS SDK signer, fixed clock and credentials, no network)', () => {
  it("reproduces the AWS test suite's get-vanilla signature", async () => {
    const headers = await signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} },
      { credentials: CREDS, region: 'us-east-1', service: 'service', signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs an execute-api POST with query and JSON body as the spec computes it', async () => {
    const body = '{"externalUserId":"u-1","amount":"10.00"}';
    const url = new URL('https://abc123.execute-api.eu-central-1.amazonaws.com/users/u-1/exchanges?b=2&a=1');
    const headers = await signRequest(
      { method: 'POST', url, headers: {}, body },
      { credentials: CREDS, region: 'eu-central-1', signingDate: new Date('2026-12-02T08:00:00Z') },
    );
    const expected = specSignature({
      method: 'POST',
      host: url.host,
      path: '/users/u-1/exchanges',
      query: 'a=1&b=2',
      amzDate: '20261202T080000Z',
      region: 'eu-central-1',
      service: 'execute-api',
      body,
    });
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/eu-central-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=${expected}`,
    );
    // A different body is a different signature: the payload is signed.
    const other = await signRequest(
      { method: 'POST', url, headers: {}, body: body.replace('10.00', '10.01') },
      { credentials: CREDS, region: 'eu-central-1', signingDate: new Date('2026-12-02T08:00:00Z') },
    );
    expect(other.authorization).not.toBe(headers.authorization);
    expect(headers.host).toBeUndefined();
  });

  it('sends the session token of temporary credentials and reads the region from the API host', async () => {
    const headers = await signRequest(
      { method: 'GET', url: new URL('https://x.execute-api.eu-west-1.amazonaws.com/partner/balances'), headers: {} },
      { credentials: { ...CREDS, sessionToken: 'tok' }, region: 'eu-west-1', signingDate: new Date('2026-12-02T08:00:00Z') },
    );
    expect(headers['x-amz-security-token']).toBe('tok');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token');
    expect(regionOfUrl(new URL('https://x.execute-api.eu-west-1.amazonaws.com/'))).toBe('eu-west-1');
    expect(regionOfUrl(new URL('http://127.0.0.1:3000/'))).toBeUndefined();
  });
});
