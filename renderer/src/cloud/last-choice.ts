/**
 * The Cloud screen's last choices (provider, AWS account, Azure subscription), kept while
 * the window lives: leaving the screen and coming back finds the same list. Only where to
 * look, never a credential; main keeps nothing of it.
 */
import type { AwsAccount } from './account-choice';

export interface CloudChoice {
  provider: 'aws' | 'azure';
  aws: AwsAccount | null;
  azureSubscriptionId: string | null;
}

const choice: CloudChoice = { provider: 'aws', aws: null, azureSubscriptionId: null };

export function lastCloudChoice(): Readonly<CloudChoice> {
  return { ...choice };
}

export function rememberCloudChoice(patch: Partial<CloudChoice>): void {
  Object.assign(choice, patch);
}
