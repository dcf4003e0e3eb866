/**
 * Azure for Porthole: the CloudProvider of one subscription, the subscriptions an account
 * can see, the sign-in chain, and the error classifier. Heavy SDK modules load with this
 * file; import it lazily where startup time matters (the CLI does).
 */
export { createAzureProvider, POLL_INTERVAL_ENV, type AzureAccount, type AzureClientDeps, type AzureProviderDeps } from './provider';
export { listAzureSubscriptions, type AzureSubscription } from './subscriptions';
export { AzureSignIn, browserAvailable, deviceCodeCredential, nextSignInMethod, type AzureSignInOptions, type AzureSignInStep, type SignInMethod } from './credentials';
export { ARM_ENDPOINT_ENV, PUBLIC_ARM_ENDPOINT, armEndpoint } from './endpoint';
export { classifyAzureError, type AzureErrorContext } from './errors';
export { parseMachineId, machineIdOf } from './resource-ids';
