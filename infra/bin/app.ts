/**
 * The CDK app (`npx cdk synth|deploy`, see cdk.json). Code comes from `dist/`, built once by
 * `npm run build` (infra/build.ts); cdk-nag checks every synth.
 *
 *   npx cdk deploy                       staging
 *   npx cdk deploy -c stage=production   production (RETAIN, deletion protection, alarms to SNS)
 *   -c staticEgress=true                 VPC + NAT + Elastic IP for P100's IP allow-list
 */
import path from 'node:path';
import { defaultDistDir } from '../build.js';
import { createApp } from '../lib/app.js';
import { distCode } from '../lib/code.js';
import { functionSpecs } from '../lib/inventory.js';

const distDir = process.env.P100_DIST_DIR ? path.resolve(process.env.P100_DIST_DIR) : defaultDistDir;
const { app } = createApp({ code: distCode(distDir, { names: functionSpecs().map((s) => s.name) }) });
app.synth();
