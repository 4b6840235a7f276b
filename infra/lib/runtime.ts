import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Every function and the layer run on Node.js 24 (ARM64). */
export const nodeRuntime: lambda.Runtime = lambda.Runtime.NODEJS_24_X;
