/**
 * Shared by the infra tests: synthesize the suite once (placeholder code, no build) and read every
 * template of the assembly, nested ones included.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { createApp, type SuiteApp } from '../../infra/lib/app.js';
import { placeholderCode } from '../../infra/lib/code.js';
import type { CodeSource } from '../../infra/lib/suite-stack.js';

export const placeholderDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'placeholder');

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface StackTemplate {
  /** `parent` or the nested stack id (`OperationsUsers`, `Webhooks`, `Jobs`...). */
  name: string;
  template: Template;
  json: { Resources: Record<string, CfnResource>; Outputs?: Record<string, { Value: unknown }>; Parameters?: Record<string, unknown> };
}

export interface Synthesized extends SuiteApp {
  assembly: CloudAssembly;
  outdir: string;
  stacks: StackTemplate[];
}

export interface SynthOptions {
  code?: CodeSource;
  /** CDK's CloudFormation template validation: on for the gate tests, off where only templates are read (faster). */
  cfnValidation?: boolean;
}

export function synthSuite(context: Record<string, unknown> = {}, options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'p100-infra-'));
  const code = options.code ?? placeholderCode(placeholderDir);
  const suite = createApp({ code, context, outdir, cfnValidation: options.cfnValidation ?? false });
  // Throws "Validation failed" when a cdk-nag rule has an unacknowledged finding.
  const assembly = suite.app.synth() as unknown as CloudAssembly;
  const read = (name: string, file: string): StackTemplate => {
    const json = JSON.parse(readFileSync(path.join(outdir, file), 'utf8')) as StackTemplate['json'];
    return { name, json, template: Template.fromJSON(json) };
  };
  const stacks = [read('parent', suite.stack.templateFile), ...suite.stack.groups.map((g) => read(g.node.id, g.templateFile))];
  return { ...suite, assembly, outdir, stacks };
}

/** Every resource of the app, with the stack it lives in. */
export function allResources(s: Synthesized): Array<{ stack: StackTemplate; logicalId: string; resource: CfnResource }> {
  return s.stacks.flatMap((stack) => Object.entries(stack.json.Resources).map(([logicalId, resource]) => ({ stack, logicalId, resource })));
}

export interface DeployedFunction {
  stack: StackTemplate;
  logicalId: string;
  props: Record<string, unknown>;
  env: Record<string, unknown>;
  /** Every IAM statement attached to the function's role. */
  statements: Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
}

export function functionNamed(s: Synthesized, name: string): DeployedFunction | undefined {
  const physical = `${s.config.prefix}-${name}`;
  for (const { stack, logicalId, resource } of allResources(s)) {
    if (resource.Type !== 'AWS::Lambda::Function' || resource.Properties?.FunctionName !== physical) continue;
    const props = resource.Properties;
    const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(stack.json.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: DeployedFunction['statements'] } | undefined)?.Statement ?? []);
    const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    return { stack, logicalId, props, env, statements };
  }
  return undefined;
}

/** The route with this key (`POST /users`), and the logical id of the function its integration calls. */
export function routeFor(s: Synthesized, routeKey: string): { route: Record<string, unknown>; functionLogicalId: string; stack: StackTemplate } | undefined {
  for (const { stack, resource } of allResources(s)) {
    if (resource.Type !== 'AWS::ApiGatewayV2::Route' || resource.Properties?.RouteKey !== routeKey) continue;
    const target = JSON.stringify(resource.Properties.Target);
    const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1];
    const integration = integrationId ? stack.json.Resources[integrationId] : undefined;
    const uri = JSON.stringify(integration?.Properties?.IntegrationUri ?? '');
    const functionLogicalId = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(uri)?.[1] ?? '';
    return { route: resource.Properties, functionLogicalId, stack };
  }
  return undefined;
}
