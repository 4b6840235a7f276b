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
  // Server access logs are delivered through a bucket policy (logging.s3.amazonaws.com, source bucket
  // and account conditions) instead of the legacy `AccessControl: LogDeliveryWrite` ACL (cfn-lint W3045),
  // so the log bucket can disable ACLs altogether (BucketOwnerEnforced).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // CloudFormation Validate findings fail the synth instead of being printed as warnings.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};
