/**
 * What a machine costs per hour: an ESTIMATE from a table bundled with Porthole, dated
 * `PRICES_AS_OF`, never fetched. On-demand list prices in USD per hour for Linux, without
 * storage, traffic, public IPv4 addresses, taxes, discounts, savings plans or spot
 * prices; the clouds' pricing pages are the truth. Screens show the figure as "about $X/h
 * (estimate, prices of <date>)".
 *
 * How the table is built (so it can be checked and updated in one place): the us-east-1 /
 * eastus list price of every type, and per region the list price of one reference type of
 * each family. A type's price in a region is its us-east-1 price scaled by its family's
 * regional factor, which matches the clouds' own lists to within a cent or so, because both
 * clouds price the sizes of a family linearly per region. A family with no reference price
 * for a region has no estimate there (it may not be offered in that region at all).
 *
 * Everything here is pure.
 */
import type { CloudProviderId } from './provider';

/** The date of the list prices below (ISO date). */
export const PRICES_AS_OF = '2025-01-15';

export interface PriceEstimate {
  readonly usdPerHour: number;
  /** PRICES_AS_OF: when the list prices were taken. */
  readonly asOf: string;
}

interface FamilyTable {
  /** Type -> list price in the base region (us-east-1 / eastus), USD per hour. */
  readonly base: Readonly<Record<string, number>>;
  /** The family's reference type, whose regional prices follow. */
  readonly reference: string;
  /** Region -> the reference type's list price there. */
  readonly regions: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------
// AWS EC2, Linux on-demand

const EC2: Readonly<Record<string, FamilyTable>> = {
  t2: {
    base: { 't2.micro': 0.0116, 't2.small': 0.023, 't2.medium': 0.0464, 't2.large': 0.0928, 't2.xlarge': 0.1856, 't2.2xlarge': 0.3712 },
    reference: 't2.micro',
    regions: { 'us-east-1': 0.0116, 'us-east-2': 0.0116, 'us-west-2': 0.0116, 'us-west-1': 0.0138, 'ca-central-1': 0.0128, 'eu-west-1': 0.0126, 'eu-west-2': 0.0132, 'eu-central-1': 0.0134, 'ap-southeast-1': 0.0146, 'ap-southeast-2': 0.0146, 'ap-northeast-1': 0.0152, 'ap-south-1': 0.0124 },
  },
  t3: {
    base: { 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664, 't3.2xlarge': 0.3328 },
    reference: 't3.micro',
    regions: { 'us-east-1': 0.0104, 'us-east-2': 0.0104, 'us-west-2': 0.0104, 'us-west-1': 0.0124, 'ca-central-1': 0.0116, 'eu-west-1': 0.0114, 'eu-west-2': 0.0118, 'eu-central-1': 0.012, 'eu-north-1': 0.0108, 'ap-southeast-1': 0.0132, 'ap-southeast-2': 0.0132, 'ap-northeast-1': 0.0136, 'ap-south-1': 0.0112 },
  },
  t3a: {
    base: { 't3a.micro': 0.0094, 't3a.small': 0.0188, 't3a.medium': 0.0376, 't3a.large': 0.0752, 't3a.xlarge': 0.1504, 't3a.2xlarge': 0.3008 },
    reference: 't3a.micro',
    regions: { 'us-east-1': 0.0094, 'us-east-2': 0.0094, 'us-west-2': 0.0094, 'us-west-1': 0.0112, 'ca-central-1': 0.0104, 'eu-west-1': 0.0102, 'eu-west-2': 0.0106, 'eu-central-1': 0.0108, 'eu-north-1': 0.0097, 'ap-southeast-1': 0.0118, 'ap-southeast-2': 0.0118, 'ap-northeast-1': 0.0122, 'ap-south-1': 0.0101 },
  },
  m5: {
    base: { 'm5.large': 0.096, 'm5.xlarge': 0.192, 'm5.2xlarge': 0.384, 'm5.4xlarge': 0.768 },
    reference: 'm5.large',
    regions: { 'us-east-1': 0.096, 'us-east-2': 0.096, 'us-west-2': 0.096, 'us-west-1': 0.112, 'ca-central-1': 0.107, 'eu-west-1': 0.107, 'eu-west-2': 0.111, 'eu-central-1': 0.115, 'eu-north-1': 0.102, 'ap-southeast-1': 0.12, 'ap-southeast-2': 0.12, 'ap-northeast-1': 0.124, 'ap-south-1': 0.101 },
  },
  m6i: {
    base: { 'm6i.large': 0.096, 'm6i.xlarge': 0.192, 'm6i.2xlarge': 0.384, 'm6i.4xlarge': 0.768 },
    reference: 'm6i.large',
    regions: { 'us-east-1': 0.096, 'us-east-2': 0.096, 'us-west-2': 0.096, 'us-west-1': 0.112, 'ca-central-1': 0.107, 'eu-west-1': 0.107, 'eu-west-2': 0.111, 'eu-central-1': 0.115, 'eu-north-1': 0.102, 'ap-southeast-1': 0.12, 'ap-southeast-2': 0.12, 'ap-northeast-1': 0.124, 'ap-south-1': 0.101 },
  },
  c5: {
    base: { 'c5.large': 0.085, 'c5.xlarge': 0.17, 'c5.2xlarge': 0.34, 'c5.4xlarge': 0.68 },
    reference: 'c5.large',
    regions: { 'us-east-1': 0.085, 'us-east-2': 0.085, 'us-west-2': 0.085, 'us-west-1': 0.106, 'ca-central-1': 0.093, 'eu-west-1': 0.096, 'eu-west-2': 0.101, 'eu-central-1': 0.097, 'eu-north-1': 0.091, 'ap-southeast-1': 0.098, 'ap-southeast-2': 0.111, 'ap-northeast-1': 0.107, 'ap-south-1': 0.085 },
  },
  r5: {
    base: { 'r5.large': 0.126, 'r5.xlarge': 0.252, 'r5.2xlarge': 0.504, 'r5.4xlarge': 1.008 },
    reference: 'r5.large',
    regions: { 'us-east-1': 0.126, 'us-east-2': 0.126, 'us-west-2': 0.126, 'us-west-1': 0.14, 'ca-central-1': 0.138, 'eu-west-1': 0.141, 'eu-west-2': 0.148, 'eu-central-1': 0.152, 'eu-north-1': 0.134, 'ap-southeast-1': 0.152, 'ap-southeast-2': 0.151, 'ap-northeast-1': 0.152, 'ap-south-1': 0.127 },
  },
  g4dn: {
    base: { 'g4dn.xlarge': 0.526, 'g4dn.2xlarge': 0.752, 'g4dn.4xlarge': 1.204, 'g4dn.8xlarge': 2.176, 'g4dn.12xlarge': 3.912 },
    reference: 'g4dn.xlarge',
    regions: { 'us-east-1': 0.526, 'us-east-2': 0.526, 'us-west-2': 0.526, 'us-west-1': 0.631, 'ca-central-1': 0.584, 'eu-west-1': 0.587, 'eu-west-2': 0.615, 'eu-central-1': 0.658, 'eu-north-1': 0.557, 'ap-southeast-1': 0.736, 'ap-southeast-2': 0.789, 'ap-northeast-1': 0.71, 'ap-south-1': 0.579 },
  },
  g5: {
    base: { 'g5.xlarge': 1.006, 'g5.2xlarge': 1.212, 'g5.4xlarge': 1.624, 'g5.8xlarge': 2.448, 'g5.12xlarge': 5.672 },
    reference: 'g5.xlarge',
    regions: { 'us-east-1': 1.006, 'us-east-2': 1.006, 'us-west-2': 1.006, 'ca-central-1': 1.118, 'eu-west-1': 1.123, 'eu-west-2': 1.173, 'eu-central-1': 1.258, 'eu-north-1': 1.064, 'ap-northeast-1': 1.459, 'ap-south-1': 1.189 },
  },
  p3: {
    base: { 'p3.2xlarge': 3.06, 'p3.8xlarge': 12.24 },
    reference: 'p3.2xlarge',
    regions: { 'us-east-1': 3.06, 'us-east-2': 3.06, 'us-west-2': 3.06, 'ca-central-1': 3.366, 'eu-west-1': 3.305, 'eu-west-2': 3.589, 'eu-central-1': 3.823, 'ap-southeast-1': 4.234, 'ap-southeast-2': 4.234, 'ap-northeast-1': 4.194 },
  },
};

// ---------------------------------------------------------------------------------------
// Azure virtual machines, Linux pay-as-you-go (keys are lower case; see normalize below)

const AZURE: Readonly<Record<string, FamilyTable>> = {
  b: {
    base: { standard_b1s: 0.0104, standard_b1ms: 0.0207, standard_b2s: 0.0416, standard_b2ms: 0.0832, standard_b4ms: 0.166, standard_b8ms: 0.333 },
    reference: 'standard_b2s',
    regions: { eastus: 0.0416, eastus2: 0.0416, westus2: 0.0416, centralus: 0.0464, northeurope: 0.0448, westeurope: 0.0456, uksouth: 0.0464, germanywestcentral: 0.048, francecentral: 0.0472, swedencentral: 0.0432, southeastasia: 0.0528, centralindia: 0.0464, japaneast: 0.0544, australiaeast: 0.0528 },
  },
  dv3: {
    base: { standard_d2s_v3: 0.096, standard_d4s_v3: 0.192, standard_d8s_v3: 0.384, standard_d16s_v3: 0.768, standard_d2_v3: 0.096, standard_d4_v3: 0.192, standard_d8_v3: 0.384 },
    reference: 'standard_d2s_v3',
    regions: { eastus: 0.096, eastus2: 0.096, westus2: 0.096, centralus: 0.108, northeurope: 0.107, westeurope: 0.115, uksouth: 0.111, germanywestcentral: 0.12, francecentral: 0.12, swedencentral: 0.104, southeastasia: 0.12, centralindia: 0.1, japaneast: 0.124, australiaeast: 0.12 },
  },
  dv5: {
    base: { standard_d2s_v5: 0.096, standard_d4s_v5: 0.192, standard_d8s_v5: 0.384, standard_d16s_v5: 0.768, standard_d2ds_v5: 0.113, standard_d4ds_v5: 0.226, standard_d8ds_v5: 0.452 },
    reference: 'standard_d2s_v5',
    regions: { eastus: 0.096, eastus2: 0.096, westus2: 0.096, centralus: 0.108, northeurope: 0.107, westeurope: 0.115, uksouth: 0.111, germanywestcentral: 0.12, francecentral: 0.12, swedencentral: 0.104, southeastasia: 0.12, centralindia: 0.1, japaneast: 0.124, australiaeast: 0.12 },
  },
  ncv3: {
    base: { standard_nc6s_v3: 3.06, standard_nc12s_v3: 6.12, standard_nc24s_v3: 12.24 },
    reference: 'standard_nc6s_v3',
    regions: { eastus: 3.06, eastus2: 3.06, westus2: 3.06, centralus: 3.06, northeurope: 3.366, westeurope: 3.366, uksouth: 3.519, southeastasia: 3.825, centralindia: 3.366, japaneast: 4.254, australiaeast: 4.162 },
  },
  nct4: {
    base: { standard_nc4as_t4_v3: 0.526, standard_nc8as_t4_v3: 0.752, standard_nc16as_t4_v3: 1.204, standard_nc64as_t4_v3: 4.352 },
    reference: 'standard_nc4as_t4_v3',
    regions: { eastus: 0.526, eastus2: 0.526, westus2: 0.526, centralus: 0.526, northeurope: 0.579, westeurope: 0.602, uksouth: 0.605, germanywestcentral: 0.631, francecentral: 0.631, swedencentral: 0.579, southeastasia: 0.684, centralindia: 0.579, japaneast: 0.71, australiaeast: 0.737 },
  },
  nv: {
    base: { standard_nv12s_v3: 1.14, standard_nv24s_v3: 2.28, standard_nv6ads_a10_v5: 0.454, standard_nv12ads_a10_v5: 0.908, standard_nv18ads_a10_v5: 1.6, standard_nv36ads_a10_v5: 3.2 },
    reference: 'standard_nv12s_v3',
    regions: { eastus: 1.14, eastus2: 1.14, westus2: 1.14, centralus: 1.14, northeurope: 1.254, westeurope: 1.311, uksouth: 1.311, germanywestcentral: 1.368, southeastasia: 1.425, centralindia: 1.254, japaneast: 1.482, australiaeast: 1.482 },
  },
};

const TABLES: Readonly<Record<CloudProviderId, Readonly<Record<string, FamilyTable>>>> = { aws: EC2, azure: AZURE };

/** Region and type spellings as the clouds and people write them: `West Europe`, `Standard_NC6s_v3`. */
function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '');
}

/**
 * The estimated hourly price of `type` in `region`, or null when the table does not know the
 * type, or the family in that region. Never throws.
 */
export function priceEstimate(provider: CloudProviderId, region: string, type: string): PriceEstimate | null {
  const wantedType = normalize(type);
  const wantedRegion = normalize(region);
  for (const family of Object.values(TABLES[provider] ?? {})) {
    const basePrice = family.base[wantedType];
    if (basePrice === undefined) continue;
    const regional = family.regions[wantedRegion];
    const reference = family.base[family.reference];
    if (regional === undefined || reference === undefined) return null;
    return { usdPerHour: roundTo(basePrice * (regional / reference), 4), asOf: PRICES_AS_OF };
  }
  return null;
}

/**
 * What a machine has cost since `startedAt` at `usdPerHour` (epoch ms in, USD out): a plain
 * proportion, as both clouds bill running Linux VMs by the second or minute. Zero when the
 * clock says it has not started yet.
 */
export function runningCost(startedAt: number, now: number, usdPerHour: number): number {
  if (!Number.isFinite(startedAt) || !Number.isFinite(now) || !Number.isFinite(usdPerHour) || now <= startedAt || usdPerHour <= 0) return 0;
  return ((now - startedAt) / 3_600_000) * usdPerHour;
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
