/** main/cloud/aws: the CloudProvider for AWS EC2, its credentials, profiles and regions. */
export { parseAccessKeyText } from './access-key-text';
export { createAwsProvider, type AwsProviderDeps } from './aws-provider';
export { credentialProviderFor, type AwsAccount, type AwsCredentialDeps } from './credentials';
export { classifyAwsError, type AwsErrorContext } from './errors';
export { ImageCatalog } from './image-catalog';
export { guessImage, type ImageFacts, type ImageGuess } from './images';
export { machineState, toCloudMachine } from './machine';
export { awsConfigPaths, listAwsProfiles, type AwsProfileInfo, type AwsProfileKind, type AwsProfileListing } from './profiles';
export { COMMON_AWS_REGIONS, isAwsRegionId, type AwsRegion } from './regions';
export {
  awsCredentialSecretId,
  checkAccessKey,
  checkCredentialName,
  listAwsAccessKeys,
  maskKeyId,
  readAwsAccessKey,
  removeAwsAccessKey,
  saveAwsAccessKey,
  type AwsAccessKey,
  type AwsAccessKeyEntry,
} from './vault-credentials';
