/**
 * The EC2 stand-in with a small course's fleet, for trying `porthole aws …` or the app by
 * hand: `npx tsx test/env/ec2-sandbox.ts` prints the environment to export, then serves
 * until Ctrl-C. Instances move on every second describe, so a start shows pending first.
 */
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type InstanceSeed } from './ec2-endpoint';

export const SANDBOX_INSTANCES: readonly InstanceSeed[] = [
  { id: 'i-0a11c0ffee0000001', name: 'gpu-seminar', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.deepLearning.imageId, keyName: 'seminar' },
  { id: 'i-0a11c0ffee0000002', name: 'student-01', state: 'running', instanceType: 't3.medium', imageId: KNOWN_IMAGES.ubuntu.imageId, keyName: 'seminar' },
  { id: 'i-0a11c0ffee0000003', name: 'data-prep', state: 'stopped', instanceType: 'm5.large', imageId: KNOWN_IMAGES.amazonLinux.imageId, keyName: null },
];

async function main(): Promise<void> {
  const endpoint = await startEc2Endpoint({ instances: SANDBOX_INSTANCES, images: Object.values(KNOWN_IMAGES), describesPerStep: 2 });
  process.stdout.write(
    [
      `EC2 stand-in on ${endpoint.url} (${endpoint.region}). In another shell:`,
      `  export AWS_ENDPOINT_URL_EC2=${endpoint.url} AWS_REGION=${endpoint.region}`,
      `  export AWS_ACCESS_KEY_ID=${EXAMPLE_CREDENTIAL.accessKeyId} AWS_SECRET_ACCESS_KEY=${EXAMPLE_CREDENTIAL.secretAccessKey}`,
      '  npx porthole aws instances',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await endpoint.stop();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
