/**
 * Problem slugs say what happened (issue 25): an id P100 does not know is `not-found`, a state that forbids it is
 * `upstream-refused`, and every slug the suite answers with is listed, with its meaning, in openapi.json.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../../shared/http/error-map.js';
import { problemSlugs, problemType } from '../../shared/http/problem.js';
import { P100BusinessError } from '../../shared/p100/errors.js';

describe('problem slugs', () => {
  it('an exchange P100 does not know is not-found (P100 code kept), a forbidden state upstream-refused', () => {
    const missing = toProblem(new P100BusinessError(404, 'P466', 'not-found')).toDetails();
    expect([missing.status, missing.type, missing.upstream]).toEqual([404, problemType('not-found'), { errorCode: 'P466', errorName: 'not-found' }]);
    const mapped404 = toProblem(new P100BusinessError(400, 'P428', 'sepa-transfer-not-found')).toDetails();
    expect([mapped404.status, mapped404.type]).toEqual([404, problemType('not-found')]);
    const forbidden = toProblem(new P100BusinessError(400, 'P455', 'user-suspended')).toDetails();
    expect([forbidden.status, forbidden.type]).toEqual([409, problemType('upstream-refused')]);
  });

  it('openapi.json lists every slug with its meaning', () => {
    const doc = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
      components: { schemas: { ProblemDetails: { properties: { type: { description: string; examples: string[] } } } } };
    };
    const type = doc.components.schemas.ProblemDetails.properties.type;
    expect(type.examples).toEqual(Object.keys(problemSlugs).map((s) => problemType(s as keyof typeof problemSlugs)));
    for (const [slug, meaning] of Object.entries(problemSlugs)) expect(type.description).toContain(`\`${slug}\`: ${meaning}`);
  });
});
