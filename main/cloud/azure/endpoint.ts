/**
 * Which Azure Resource Manager Porthole talks to. Azure's public cloud by default; another
 * one (a sovereign cloud, Azure Stack Hub, or the local stand-in the tests start) through
 * PORTHOLE_AZURE_ARM_ENDPOINT. Neither the Azure SDK for JavaScript nor the Azure CLI reads
 * an environment variable for this (the CLI keeps custom clouds in its own config, `az cloud
 * register`; the SDK takes an `endpoint` option), so Porthole names its own.
 */
import { PortholeError } from '../../shared/errors';

export const ARM_ENDPOINT_ENV = 'PORTHOLE_AZURE_ARM_ENDPOINT';
export const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';

/**
 * The ARM base URL, without a trailing slash. Only https: the SDK refuses to send a bearer
 * token over plain http, and so would Porthole.
 */
export function armEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const value = env[ARM_ENDPOINT_ENV]?.trim();
  if (!value) return PUBLIC_ARM_ENDPOINT;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '') {
    throw new PortholeError({
      code: 'azure.bad-endpoint',
      message: `${ARM_ENDPOINT_ENV} is "${value}", which is not an https:// address of Azure Resource Manager.`,
      hint: `Unset it to use Azure's public cloud, or give the https:// base address, e.g. ${PUBLIC_ARM_ENDPOINT}.`,
      retryable: false,
    });
  }
  return url.href.replace(/\/+$/, '');
}
