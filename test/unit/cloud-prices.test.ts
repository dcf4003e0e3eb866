import { describe, expect, it } from 'vitest';
import { PRICES_AS_OF, priceEstimate, runningCost } from '../../main/cloud/prices';

describe('bundled price table', () => {
  it('is dated, and says so with every estimate', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(priceEstimate('aws', 'us-east-1', 't3.micro')).toEqual({ usdPerHour: 0.0104, asOf: PRICES_AS_OF });
  });

  it.each([
    // The list prices the table was built from come back exactly.
    ['aws', 'us-east-1', 'g4dn.xlarge', 0.526],
    ['aws', 'us-west-2', 'p3.2xlarge', 3.06],
    ['aws', 'eu-central-1', 'g4dn.xlarge', 0.658],
    ['aws', 'eu-west-1', 'm5.large', 0.107],
    ['aws', 'ap-southeast-1', 't2.micro', 0.0146],
    ['azure', 'eastus', 'Standard_NC6s_v3', 3.06],
    ['azure', 'westeurope', 'Standard_D2s_v3', 0.115],
    ['azure', 'eastus', 'Standard_NC4as_T4_v3', 0.526],
  ] as const)('%s %s %s: $%s/h', (provider, region, type, price) => {
    expect(priceEstimate(provider, region, type)?.usdPerHour).toBe(price);
  });

  it('scales the sizes of a family with its regional price', () => {
    // us-east-1 doubles from large to xlarge; so does Frankfurt.
    expect(priceEstimate('aws', 'eu-central-1', 'm5.xlarge')?.usdPerHour).toBe(0.23);
    expect(priceEstimate('aws', 'eu-central-1', 'g4dn.2xlarge')?.usdPerHour).toBeCloseTo(0.752 * (0.658 / 0.526), 4);
    expect(priceEstimate('azure', 'northeurope', 'Standard_D8s_v5')?.usdPerHour).toBe(0.428);
  });

  it('takes the spellings people and the clouds use', () => {
    expect(priceEstimate('azure', 'West Europe', 'standard_nc6s_v3')).toEqual(priceEstimate('azure', 'westeurope', 'Standard_NC6s_v3'));
    expect(priceEstimate('aws', ' EU-CENTRAL-1 ', 'T3.Medium')).toEqual(priceEstimate('aws', 'eu-central-1', 't3.medium'));
  });

  it('has no estimate for an unknown type, an unknown region, or a family not priced in a region', () => {
    expect(priceEstimate('aws', 'us-east-1', 'x2iedn.32xlarge')).toBeNull();
    expect(priceEstimate('aws', 'mars-north-1', 't3.micro')).toBeNull();
    expect(priceEstimate('aws', 'eu-north-1', 'p3.2xlarge')).toBeNull();
    expect(priceEstimate('azure', 'us-east-1', 'Standard_B2s')).toBeNull();
    expect(priceEstimate('aws', 'us-east-1', 'Standard_B2s')).toBeNull();
  });

  it('covers the common types in the common regions', () => {
    const awsTypes = ['t2.micro', 't3.2xlarge', 't3a.medium', 'm5.4xlarge', 'm6i.large', 'c5.xlarge', 'r5.2xlarge', 'g4dn.12xlarge', 'g5.12xlarge', 'p3.8xlarge'];
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']) for (const type of awsTypes) expect(priceEstimate('aws', region, type), `${type} in ${region}`).not.toBeNull();
    const azureTypes = ['Standard_B1s', 'Standard_B2ms', 'Standard_D4s_v3', 'Standard_D4s_v5', 'Standard_NC6s_v3', 'Standard_NC4as_T4_v3', 'Standard_NV12s_v3'];
    for (const region of ['eastus', 'westeurope', 'northeurope']) for (const type of azureTypes) expect(priceEstimate('azure', region, type), `${type} in ${region}`).not.toBeNull();
  });
});

describe('running cost', () => {
  const hour = 3_600_000;
  it('is the hours run times the hourly price', () => {
    expect(runningCost(0, 2 * hour, 0.526)).toBeCloseTo(1.052, 10);
    expect(runningCost(1_000, 1_000 + 90 * 60_000, 3.06)).toBeCloseTo(4.59, 10);
  });

  it('is zero before the start, at the start, and for nonsense input', () => {
    expect(runningCost(5 * hour, hour, 1)).toBe(0);
    expect(runningCost(hour, hour, 1)).toBe(0);
    expect(runningCost(Number.NaN, hour, 1)).toBe(0);
    expect(runningCost(0, hour, -1)).toBe(0);
  });
});
