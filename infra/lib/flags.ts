/**
 * Feature flags the suite is written against: every flag a new CDK app gets today (aws-cdk-lib 2.276,
 * `CURRENTLY_RECOMMENDED_FLAGS` in aws-cdk-lib/cx-api), each reviewed for this stack. Set in code, so tests
 * and the CLI synthesize the same template, and repeated in cdk.json, where `cdk flags` looks for them
 * (test/infra/flags.test.ts keeps the two equal, and fails when an aws-cdk-lib upgrade recommends a flag
 * that is not reviewed here). With all of them set, synth prints no "feature flags are not configured".
 *
 * Review (issue 19): every flag is at its recommended value; none is set against the recommendation.
 * Turning all the recommended ones on changed no resource of the staging or the production + staticEgress
 * template, only the `AWS::CDK::Metadata` analytics string (enableAdditionalMetadataCollection).
 */

type FlagValue = boolean | string | readonly string[];

/** Flags that touch a construct this stack creates (or the console/canary additions will), with why each is right here. */
export const stackFlags: Readonly<Record<string, FlagValue>> = {
  '@aws-cdk/aws-iam:minimizePolicies': true, // merges statements: keeps the ~70 function policies small
  '@aws-cdk/aws-lambda:recognizeLayerVersion': true, // a new client layer version is a new function version
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:validateSnapshotRemovalPolicy': true,
  // Server access logs are delivered through a bucket policy (logging.s3.amazonaws.com, source bucket
  // and account conditions) instead of the legacy `AccessControl: LogDeliveryWrite` ACL (cfn-lint W3045),
  // so the log bucket can disable ACLs altogether (BucketOwnerEnforced).
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // CloudFormation Validate findings fail the synth instead of being printed as warnings.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  // A SecretValue (the three secrets) can never be rendered into a template by accident.
  '@aws-cdk/core:checkSecretUsage': true,
  // Construct warnings land in the same validation report as cdk-nag's findings.
  '@aws-cdk/core:annotationsInValidationReport': true,
  '@aws-cdk/core:aspectPrioritiesMutating': true, // cdk-nag (a DEFAULT-priority aspect) sees what CDK's own aspects set
  '@aws-cdk/core:cfnIncludeRejectComplexResourceUpdateCreatePolicyIntrinsics': true,
  // Stack tags (`project`, `stage`) are applied by CloudFormation to every resource; not also in the template.
  '@aws-cdk/core:explicitStackTags': true,
  // Cross-stack references (nested stacks use parameters, unaffected) do not pin a producer stack.
  '@aws-cdk/core:defaultCrossStackReferences': 'weak',
  // Usage data: L2 property keys and boolean/enum values only, never other values (no names, no ARNs).
  '@aws-cdk/core:enableAdditionalMetadataCollection': true,
  '@aws-cdk/core:includePrefixInUniqueNameGeneration': true,
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  // The static-egress VPC sets restrictDefaultSecurityGroup: false itself (no custom-resource Lambda).
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
  '@aws-cdk/aws-ec2:requirePrivateSubnetsForEgressOnlyInternetGateway': true,
  '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true,
  '@aws-cdk/aws-kms:aliasNameRef': true,
  '@aws-cdk/aws-kms:applyImportedAliasPermissionsToPrincipal': true,
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true, // a grant on a key names that key, not `*`
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  '@aws-cdk/aws-s3:setUniqueReplicationRoleName': true,
  '@aws-cdk/aws-s3:keepNotificationInImportedBucket': false, // recommended false
  '@aws-cdk/s3-notifications:addS3TrustKeyPolicyForSnsSubscriptions': true,
  '@aws-cdk/aws-events:eventsTargetQueueSameAccount': true,
  '@aws-cdk/aws-events:requireEventBusPolicySid': true,
  '@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption': true,
  '@aws-cdk/aws-secretsmanager:useAttachedSecretResourcePolicyForSecretTargetAttachments': true,
  '@aws-cdk/aws-dynamodb:resourcePolicyPerReplica': true,
  '@aws-cdk/aws-dynamodb:retainTableReplica': true,
  '@aws-cdk/aws-cloudwatch-actions:changeLambdaPermissionLogicalIdForLambdaAction': true,
  // Every function passes its own log group (KMS-encrypted, retention per stage): this only covers a function that would not.
  '@aws-cdk/aws-lambda:useCdkManagedLogGroup': true,
  '@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy': false, // recommended false (deprecated behaviour)
  '@aws-cdk/aws-lambda-nodejs:useLatestRuntimeVersion': true,
  '@aws-cdk/aws-lambda-nodejs:sdkV3ExcludeSmithyPackages': true,
  '@aws-cdk/customresources:installLatestAwsSdkDefault': false, // recommended false: no npm download at deploy
  '@aws-cdk/custom-resources:logApiResponseDataPropertyTrueDefault': false, // recommended false: responses may hold secrets
  // The operator console (CloudFront + Cognito) and its certificate.
  '@aws-cdk/aws-cloudfront:defaultFunctionRuntimeV2_0': true,
  '@aws-cdk/aws-cloudfront:defaultViewerProtocolPolicyRedirectToHttps': true,
  '@aws-cdk/aws-route53-patters:useCertificate': true,
  '@aws-cdk/aws-route53-patterns:useDistribution': true,
  '@aws-cdk/aws-route53-targets:userPoolDomainNameMethodWithoutCustomResource': true,
  '@aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName': true,
  '@aws-cdk/aws-iam:oidcRejectUnauthorizedConnections': true,
  // The suite uses API Gateway v2 (HTTP API); these v1 (REST API) flags apply only if a REST API is added.
  '@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId': true,
  '@aws-cdk/aws-apigateway:disableCloudWatchRole': true,
  '@aws-cdk/aws-apigateway:logGroupDestinationArnWithoutWildcard': true,
  '@aws-cdk/aws-apigateway:requestValidatorUniqueId': true,
};

/**
 * Flags of services the suite does not use: at the recommended value, so a construct added later starts
 * with today's behaviour rather than the 2019 one. None changes the current template.
 */
export const unusedServiceFlags: Readonly<Record<string, FlagValue>> = {
  '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver': true,
  '@aws-cdk/aws-appsync:appSyncGraphQLAPIScopeLambdaPermission': true,
  '@aws-cdk/aws-appsync:useArnForSourceApiAssociationIdentifier': true,
  '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true,
  '@aws-cdk/aws-batch:defaultToAL2023': true,
  '@aws-cdk/aws-codedeploy:removeAlarmsFromDeploymentGroup': true,
  '@aws-cdk/aws-codepipeline-actions:useNewDefaultBranchForCodeCommitSource': true,
  '@aws-cdk/aws-codepipeline:crossAccountKeyAliasStackSafeResourceName': true,
  '@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse': true,
  '@aws-cdk/aws-codepipeline:defaultPipelineTypeToV2': true,
  '@aws-cdk/aws-ec2:bastionHostUseAmazonLinux2023ByDefault': true,
  '@aws-cdk/aws-ec2:ebsDefaultGp3Volume': true,
  '@aws-cdk/aws-ec2:ec2SumTImeoutEnabled': true,
  '@aws-cdk/aws-ec2:launchTemplateDefaultUserData': true,
  '@aws-cdk/aws-ecs-patterns:secGroupsDisablesImplicitOpenListener': true,
  '@aws-cdk/aws-ecs-patterns:uniqueTargetGroupId': true,
  '@aws-cdk/aws-ecs:arnFormatIncludesClusterName': true,
  '@aws-cdk/aws-ecs:disableExplicitDeploymentControllerForCircuitBreaker': true,
  '@aws-cdk/aws-ecs:reduceEc2FargateCloudWatchPermissions': true,
  '@aws-cdk/aws-ecs:removeDefaultDeploymentAlarm': true,
  '@aws-cdk/aws-ecs:removeEmptyLoadBalancers': true,
  '@aws-cdk/aws-efs:denyAnonymousAccess': true,
  '@aws-cdk/aws-efs:mountTargetOrderInsensitiveLogicalId': true,
  '@aws-cdk/aws-eks:defaultToAL2023': true,
  '@aws-cdk/aws-eks:nodegroupNameAttribute': true,
  '@aws-cdk/aws-eks:useNativeOidcProvider': true,
  '@aws-cdk/aws-elasticloadbalancingV2:albDualstackWithoutPublicIpv4SecurityGroupRulesDefault': true,
  '@aws-cdk/aws-elasticloadbalancingv2:networkLoadBalancerWithSecurityGroupByDefault': true,
  '@aws-cdk/aws-elasticloadbalancingv2:usePostQuantumTlsPolicy': true,
  '@aws-cdk/aws-opensearchservice:enableOpensearchMultiAzWithStandby': true,
  '@aws-cdk/aws-rds:auroraClusterChangeScopeOfInstanceParameterGroupWithEachParameters': true,
  '@aws-cdk/aws-rds:databaseProxyUniqueResourceName': true,
  '@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials': true,
  '@aws-cdk/aws-rds:setCorrectValueForDatabaseInstanceReadReplicaInstanceResourceId': true,
  '@aws-cdk/aws-redshift:columnId': true,
  '@aws-cdk/aws-signer:signingProfileNamePassedToCfn': true,
  '@aws-cdk/aws-stepfunctions-tasks:enableEmrServicePolicyV2': true,
  '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy': true,
  '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true,
};

/**
 * Set by this project before aws-cdk-lib listed them as recommended (no longer in the table: their
 * behaviour is the v2 default or the flag is retired); kept so the template does not move.
 */
export const legacyFlags: Readonly<Record<string, FlagValue>> = {
  '@aws-cdk/aws-iam:standardizedServicePrincipals': true,
  '@aws-cdk/aws-sqs:dlqEncryptionSse': true,
};

/** Everything the app sets (createApp merges test/CLI context over it). */
export const featureFlags: Readonly<Record<string, FlagValue>> = { ...stackFlags, ...unusedServiceFlags, ...legacyFlags };
