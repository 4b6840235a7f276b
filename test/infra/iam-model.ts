/**
 * The synthesized templates as AWS will see them, for an IAM evaluation engine: every CloudFormation intrinsic
 * resolved to the ARN or name the resource will have in one example account and region, per function its role,
 * identity policies (inline and managed) and resolved environment, and every resource policy by the ARN it
 * protects (key policies, bucket, queue, topic and secret policies, Lambda permissions).
 *
 * Hand-written: no offline library resolves intrinsics across nested stacks (their parameters are references
 * into the parent); the names it invents (a secret's random suffix, a key id, an API id) are placeholders that
 * only need to be consistent within one synthesis.
 */
import type { CfnResource, StackTemplate, Synthesized } from './synth.js';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-central-1';
export const PARTITION = 'aws';

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * AWS managed policies a role of the suite may carry, as AWS publishes them (the engine needs the document; only
 * these are known, any other managed ARN fails the test that reads it).
 */
export const awsManagedPolicies: Record<string, PolicyDocument> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
  },
  'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Resource: '*',
      },
    ],
  },
};

interface Located {
  stack: StackTemplate;
  logicalId: string;
  resource: CfnResource;
}

/** Resolves intrinsics of one synthesized app. */
export class Resolver {
  readonly #parentOf = new Map<string, { stack: StackTemplate; logicalId: string }>();
  readonly #byName = new Map<string, StackTemplate>();

  constructor(readonly s: Synthesized) {
    const parent = s.stacks.find((x) => x.name === 'parent');
    if (!parent) throw new Error('no parent stack');
    for (const st of s.stacks) this.#byName.set(st.name, st);
    for (const [logicalId, r] of Object.entries(parent.json.Resources)) {
      if (r.Type !== 'AWS::CloudFormation::Stack') continue;
      const nested = s.stacks.find((x) => x.name !== 'parent' && logicalId.startsWith(x.name));
      if (nested) this.#parentOf.set(nested.name, { stack: parent, logicalId });
    }
  }

  /** The nested stack a parent's `AWS::CloudFormation::Stack` resource creates. */
  #nestedFor(logicalId: string): StackTemplate | undefined {
    for (const [name, p] of this.#parentOf) if (p.logicalId === logicalId) return this.#byName.get(name);
    return undefined;
  }

  resolve(stack: StackTemplate, v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.resolve(stack, x));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const [k] = keys as [string];
      const arg = o[k];
      switch (k) {
        case 'Ref':
          return this.#ref(stack, String(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/);
          return this.#getAtt(stack, String(id), String(attr));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(stack, parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Sub': {
          const [tpl, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
          return tpl.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
            if (name in vars) return String(this.resolve(stack, vars[name]));
            const [id, attr] = name.split(/\.(.*)/);
            return String(attr ? this.#getAtt(stack, String(id), attr) : this.#ref(stack, String(id)));
          });
        }
        case 'Fn::Select': {
          const [i, list] = arg as [number, unknown];
          return (this.resolve(stack, list) as unknown[])[Number(i)];
        }
        case 'Fn::Split': {
          const [sep, str] = arg as [string, unknown];
          return String(this.resolve(stack, str)).split(sep);
        }
        case 'Fn::GetAZs':
          return [`${REGION}a`, `${REGION}b`];
        case 'Fn::If':
          throw new Error('Fn::If: the suite uses no conditions');
      }
    }
    return Object.fromEntries(keys.map((k) => [k, this.resolve(stack, o[k])]));
  }

  #ref(stack: StackTemplate, id: string): unknown {
    switch (id) {
      case 'AWS::Partition':
        return PARTITION;
      case 'AWS::Region':
        return REGION;
      case 'AWS::AccountId':
        return ACCOUNT;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.name;
      case 'AWS::StackId':
        return `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stack.name}/id`;
      case 'AWS::NoValue':
        return undefined;
    }
    if (stack.json.Parameters && id in stack.json.Parameters) {
      const p = this.#parentOf.get(stack.name);
      if (!p) return `param-${id}`;
      const params = (p.stack.json.Resources[p.logicalId]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
      return this.resolve(p.stack, params[id]);
    }
    const r = stack.json.Resources[id];
    if (!r) throw new Error(`${stack.name}: Ref to unknown ${id}`);
    return this.#physical({ stack, logicalId: id, resource: r }, 'Ref');
  }

  #getAtt(stack: StackTemplate, id: string, attr: string): unknown {
    const r = stack.json.Resources[id];
    if (!r) throw new Error(`${stack.name}: GetAtt of unknown ${id}`);
    if (r.Type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
      const nested = this.#nestedFor(id);
      const out = nested?.json.Outputs?.[attr.slice('Outputs.'.length)];
      if (!nested || !out) throw new Error(`no output ${attr} of ${id}`);
      return this.resolve(nested, out.Value);
    }
    return this.#physical({ stack, logicalId: id, resource: r }, attr);
  }

  /** The name, id or ARN a resource will have (`attr` 'Ref' for what Ref returns). */
  #physical(l: Located, attr: string): unknown {
    const p = l.resource.Properties ?? {};
    const name = (key: string): string => {
      const v = p[key];
      return v === undefined ? `${l.stack.name}-${l.logicalId}`.toLowerCase() : String(this.resolve(l.stack, v));
    };
    const arn = (service: string, rest: string): string => `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}:${rest}`;
    switch (l.resource.Type) {
      case 'AWS::DynamoDB::Table':
        return attr === 'Ref'
          ? name('TableName')
          : attr === 'StreamArn'
            ? `${arn('dynamodb', `table/${name('TableName')}`)}/stream/x`
            : arn('dynamodb', `table/${name('TableName')}`);
      case 'AWS::SecretsManager::Secret':
        return arn('secretsmanager', `secret:${name('Name')}-AbCdEf`);
      case 'AWS::SQS::Queue':
        if (attr === 'Arn') return arn('sqs', name('QueueName'));
        if (attr === 'QueueName') return name('QueueName');
        return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name('QueueName')}`;
      case 'AWS::SNS::Topic':
        return attr === 'TopicName' ? name('TopicName') : arn('sns', name('TopicName'));
      case 'AWS::KMS::Key':
        return attr === 'Arn' ? arn('kms', `key/${l.logicalId.toLowerCase()}`) : l.logicalId.toLowerCase();
      case 'AWS::S3::Bucket':
        if (attr === 'Arn') return `arn:${PARTITION}:s3:::${name('BucketName')}`;
        if (attr === 'DomainName' || attr === 'RegionalDomainName') return `${name('BucketName')}.s3.${REGION}.amazonaws.com`;
        return name('BucketName');
      case 'AWS::Lambda::Function':
        return attr === 'Arn' ? arn('lambda', `function:${name('FunctionName')}`) : name('FunctionName');
      case 'AWS::Events::EventBus':
        return attr === 'Arn' ? arn('events', `event-bus/${name('Name')}`) : name('Name');
      case 'AWS::IAM::Role':
        return attr === 'Arn' ? `arn:${PARTITION}:iam::${ACCOUNT}:role/${name('RoleName')}` : name('RoleName');
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${PARTITION}:iam::${ACCOUNT}:policy/${name('ManagedPolicyName')}`;
      case 'AWS::Logs::LogGroup':
        return attr === 'Arn' ? arn('logs', `log-group:${name('LogGroupName')}:*`) : name('LogGroupName');
      case 'AWS::ApiGatewayV2::Api':
        return 'suiteapi';
      case 'AWS::Events::Rule':
        return arn('events', `rule/${name('Name')}`);
      case 'AWS::CloudWatch::Alarm':
        return arn('cloudwatch', `alarm:${name('AlarmName')}`);
      case 'AWS::Lambda::LayerVersion':
        return arn('lambda', `layer:${l.logicalId}:1`);
      case 'AWS::Cognito::UserPool':
        return attr === 'Arn' ? arn('cognito-idp', `userpool/${REGION}_pool`) : `${REGION}_pool`;
      case 'AWS::CloudFront::Distribution':
        return attr === 'DomainName' ? 'd111.cloudfront.net' : 'EDISTRIBUTION';
      default:
        return attr === 'Ref' ? `${l.logicalId}` : `${l.logicalId}.${attr}`;
    }
  }

  /** Every resource of the app, with its stack. */
  *resources(): Generator<Located> {
    for (const stack of this.s.stacks) for (const [logicalId, resource] of Object.entries(stack.json.Resources)) yield { stack, logicalId, resource };
  }
}

export interface FunctionModel {
  name: string;
  physicalName: string;
  roleArn: string;
  env: Record<string, string>;
  inVpc: boolean;
  /** Inline and managed policies of its role. */
  policies: Array<{ name: string; policy: PolicyDocument }>;
  trust: PolicyDocument;
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Role ARN → its inline and managed policies (resolved), and its trust policy. */
function rolePolicies(r: Resolver): Map<string, { policies: FunctionModel['policies']; trust: PolicyDocument }> {
  const out = new Map<string, { policies: FunctionModel['policies']; trust: PolicyDocument }>();
  const managed = new Map<string, PolicyDocument>(Object.entries(awsManagedPolicies));
  for (const l of r.resources()) {
    if (l.resource.Type === 'AWS::IAM::ManagedPolicy') {
      managed.set(String(r.resolve(l.stack, { Ref: l.logicalId })), r.resolve(l.stack, l.resource.Properties?.PolicyDocument) as PolicyDocument);
    }
  }
  for (const l of r.resources()) {
    if (l.resource.Type !== 'AWS::IAM::Role') continue;
    const arn = String(r.resolve(l.stack, { 'Fn::GetAtt': [l.logicalId, 'Arn'] }));
    const p = r.resolve(l.stack, l.resource.Properties ?? {}) as {
      AssumeRolePolicyDocument: PolicyDocument;
      ManagedPolicyArns?: string[];
      Policies?: Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>;
    };
    const policies: FunctionModel['policies'] = (p.Policies ?? []).map((x) => ({ name: x.PolicyName, policy: x.PolicyDocument }));
    for (const m of p.ManagedPolicyArns ?? []) {
      const doc = managed.get(m);
      if (!doc) throw new Error(`managed policy ${m} of ${arn}: its document is not known to the test (add it to awsManagedPolicies)`);
      policies.push({ name: m, policy: doc });
    }
    out.set(arn, { policies, trust: p.AssumeRolePolicyDocument });
  }
  for (const l of r.resources()) {
    if (l.resource.Type !== 'AWS::IAM::Policy') continue;
    const p = r.resolve(l.stack, l.resource.Properties ?? {}) as { PolicyName: string; PolicyDocument: PolicyDocument; Roles?: string[] };
    for (const roleName of p.Roles ?? []) {
      const arn = `arn:${PARTITION}:iam::${ACCOUNT}:role/${roleName}`;
      out.get(arn)?.policies.push({ name: p.PolicyName, policy: p.PolicyDocument });
    }
  }
  return out;
}

export interface IamModel {
  resolver: Resolver;
  functions: Map<string, FunctionModel>;
  roles: Map<string, { policies: FunctionModel['policies']; trust: PolicyDocument }>;
  /** Resource ARN (a bucket's ARN covers its objects) → the policy AWS evaluates with the request. */
  resourcePolicies: Map<string, PolicyDocument>;
  /** Bucket name → ARN of its SSE-KMS key. */
  bucketKeys: Map<string, string>;
  /** Every resolved resource of the app. */
  resolved: Array<{ stack: StackTemplate; logicalId: string; type: string; props: Record<string, unknown> }>;
}

export function iamModel(s: Synthesized): IamModel {
  const r = new Resolver(s);
  const resolved = [...r.resources()].map((l) => ({
    stack: l.stack,
    logicalId: l.logicalId,
    type: l.resource.Type,
    props: r.resolve(l.stack, l.resource.Properties ?? {}) as Record<string, unknown>,
  }));
  const roles = rolePolicies(r);
  const functions = new Map<string, FunctionModel>();
  for (const x of resolved) {
    if (x.type !== 'AWS::Lambda::Function') continue;
    const physicalName = String(x.props.FunctionName);
    const name = physicalName.slice(s.config.prefix.length + 1);
    const roleArn = String(x.props.Role);
    const role = roles.get(roleArn);
    if (!role) throw new Error(`${physicalName}: role ${roleArn} not found`);
    const env = ((x.props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {}) as Record<string, string>;
    functions.set(name, { name, physicalName, roleArn, env, inVpc: x.props.VpcConfig !== undefined, policies: role.policies, trust: role.trust });
  }

  const resourcePolicies = new Map<string, PolicyDocument>();
  const add = (arn: string, doc: PolicyDocument): void => {
    const cur = resourcePolicies.get(arn);
    resourcePolicies.set(arn, { Version: '2012-10-17', Statement: [...(cur?.Statement ?? []), ...doc.Statement] });
  };
  const bucketKeys = new Map<string, string>();
  for (const x of resolved) {
    const p = x.props;
    switch (x.type) {
      case 'AWS::KMS::Key':
        add(String(r.resolve(x.stack, { 'Fn::GetAtt': [x.logicalId, 'Arn'] })), p.KeyPolicy as PolicyDocument);
        break;
      case 'AWS::S3::BucketPolicy':
        add(`arn:${PARTITION}:s3:::${String(p.Bucket)}`, p.PolicyDocument as PolicyDocument);
        break;
      case 'AWS::SQS::QueuePolicy':
        for (const url of asList(p.Queues as string[]))
          add(`arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${String(url).split('/').pop()}`, p.PolicyDocument as PolicyDocument);
        break;
      case 'AWS::SNS::TopicPolicy':
        for (const t of asList(p.Topics as string[])) add(String(t), p.PolicyDocument as PolicyDocument);
        break;
      case 'AWS::SecretsManager::ResourcePolicy':
        add(String(p.SecretId), p.ResourcePolicy as PolicyDocument);
        break;
      case 'AWS::Lambda::Permission': {
        const fn = String(p.FunctionName);
        const arn = fn.startsWith('arn:') ? fn : `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${fn}`;
        const principal = String(p.Principal);
        const condition: PolicyStatement['Condition'] = {};
        if (p.SourceArn) condition.ArnLike = { 'aws:SourceArn': p.SourceArn };
        if (p.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': p.SourceAccount };
        add(arn, {
          Statement: [
            {
              Effect: 'Allow',
              Principal: principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: principal },
              Action: String(p.Action),
              Resource: arn,
              ...(Object.keys(condition).length ? { Condition: condition } : {}),
            },
          ],
        });
        break;
      }
      case 'AWS::S3::Bucket': {
        const enc = (
          p.BucketEncryption as { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { KMSMasterKeyID?: string } }> } | undefined
        )?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
        if (enc) bucketKeys.set(String(r.resolve(x.stack, { Ref: x.logicalId })), enc);
        break;
      }
    }
  }
  return { resolver: r, functions, roles, resourcePolicies, bucketKeys, resolved };
}

/** The resource policy that governs an ARN (an object's is its bucket's). */
export function resourcePolicyFor(m: IamModel, arn: string): PolicyDocument | undefined {
  const s3 = /^arn:aws:s3:::([^/]+)/.exec(arn);
  if (s3) return m.resourcePolicies.get(`arn:${PARTITION}:s3:::${s3[1]}`);
  return m.resourcePolicies.get(arn);
}
