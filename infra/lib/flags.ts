/**
 * Feature flags the suite is written against. Set in code (not only cdk.json) so tests and the CLI
 * synthesize the same template.
 */
export const featureFlags: Readonly<Record<string, boolean>> = {
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/aws-iam:standardizedServicePrincipals': true,
  '@aws-cdk/aws-sqs:dlqEncryptionSse': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  // CloudFormation Validate findings fail the synth instead of being printed as warnings.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};
