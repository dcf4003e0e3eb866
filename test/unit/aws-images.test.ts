/** Image facts -> login guess and label, on AMI names as AWS publishes them. */
import { describe, expect, it } from 'vitest';
import { guessImage } from '../../main/cloud/aws/images';
import { machineState, toCloudMachine } from '../../main/cloud/aws/machine';

describe('guessImage', () => {
  it.each([
    ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1', 'ubuntu', 'Ubuntu 22.04'],
    ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423', 'ubuntu', 'Ubuntu 24.04'],
    ['al2023-ami-2023.4.20240401.1-kernel-6.1-x86_64', 'ec2-user', 'Amazon Linux 2023'],
    ['amzn2-ami-kernel-5.10-hvm-2.0.20240131.0-x86_64-gp2', 'ec2-user', 'Amazon Linux 2'],
    ['amzn-ami-hvm-2018.03.0.20231218.0-x86_64-gp2', 'ec2-user', 'Amazon Linux'],
    ['debian-12-amd64-20240201-1644', 'admin', 'Debian 12'],
    ['RHEL-9.3.0_HVM-20240117-x86_64-49-Hourly2-GP3', 'ec2-user', 'Red Hat Enterprise Linux 9.3'],
    ['CentOS-7-2111-20220825_1.x86_64-d9a3032a-921c-4c6d-b150-bde168105e42', 'centos', 'CentOS 7'],
    ['CentOS Stream 9 x86_64 20240101', 'centos', 'CentOS 9'],
    ['Fedora-Cloud-Base-39-1.5.x86_64-hvm-us-east-1-gp3-0', 'fedora', 'Fedora 39'],
    ['Rocky-9-EC2-Base-9.3-20231113.0.x86_64', 'rocky', 'Rocky Linux 9'],
    ['suse-sles-15-sp5-v20240129-hvm-ssd-x86_64', 'ec2-user', 'SUSE Linux'],
  ])('%s -> %s', (name, user, label) => {
    expect(guessImage({ name })).toEqual({ defaultUser: user, label, knownImage: null, platform: 'linux' });
  });

  it.each([
    ['Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.3.0 (Ubuntu 20.04) 20240606', 'ubuntu', 'Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.3.0 (Ubuntu 20.04)'],
    ['Deep Learning AMI GPU PyTorch 2.0.1 (Amazon Linux 2) 20230822', 'ec2-user', 'Deep Learning AMI GPU PyTorch 2.0.1 (Amazon Linux 2)'],
    ['Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023) 20240606', 'ec2-user', 'Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023)'],
    ['Deep Learning AMI (Ubuntu 18.04) Version 60.2', 'ubuntu', 'Deep Learning AMI (Ubuntu 18.04)'],
  ])('Deep Learning AMI %s -> %s, known image', (name, user, label) => {
    expect(guessImage({ name })).toEqual({ defaultUser: user, label, knownImage: 'aws-deep-learning', platform: 'linux' });
  });

  it('recognises a DLAMI by its description when the name is terse', () => {
    const guess = guessImage({ name: 'dlami-pytorch-2.3-20240606', description: 'Supported EC2 instances: G4dn, G5. PyTorch-2.3, Deep Learning on Ubuntu 22.04' });
    expect(guess).toMatchObject({ knownImage: 'aws-deep-learning', defaultUser: 'ubuntu' });
  });

  it('falls back on what the instance says when the image cannot be looked up', () => {
    expect(guessImage({ platformDetails: 'Red Hat Enterprise Linux' })).toMatchObject({ defaultUser: 'ec2-user', label: 'Red Hat Enterprise Linux' });
    expect(guessImage({ platformDetails: 'Linux/UNIX' })).toEqual({ defaultUser: null, label: null, knownImage: null, platform: 'linux' });
    expect(guessImage({})).toEqual({ defaultUser: null, label: null, knownImage: null, platform: 'linux' });
  });

  it('knows Windows by the platform field', () => {
    expect(guessImage({ platform: 'windows', name: 'Windows_Server-2022-English-Full-Base-2024.02.14' })).toMatchObject({ platform: 'windows', defaultUser: 'Administrator' });
    expect(guessImage({ platformDetails: 'Windows with SQL Server Standard' }).platform).toBe('windows');
  });

  it('keeps an unknown image name, without its date, as the label', () => {
    expect(guessImage({ name: 'my-team-image-20240101' })).toEqual({ defaultUser: null, label: 'my-team-image', knownImage: null, platform: 'linux' });
  });
});

describe('toCloudMachine', () => {
  it('maps every EC2 state', () => {
    expect(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated', 'rebooting', undefined].map(machineState)).toEqual([
      'pending',
      'running',
      'stopping',
      'stopped',
      'terminating',
      'terminated',
      'unknown',
      'unknown',
    ]);
  });

  it('takes the Name tag, turns EC2 empty strings into null and keeps the raw state', () => {
    const machine = toCloudMachine(
      {
        InstanceId: 'i-0123456789abcdef0',
        State: { Name: 'stopped', Code: 80 },
        InstanceType: 'g4dn.xlarge',
        PublicDnsName: '',
        PrivateIpAddress: '172.31.5.6',
        PrivateDnsName: 'ip-172-31-5-6.eu-central-1.compute.internal',
        KeyName: 'seminar',
        ImageId: 'ami-1',
        LaunchTime: new Date('2025-01-02T03:04:05Z'),
        Tags: [{ Key: 'course', Value: 'ml' }, { Key: 'Name', Value: 'gpu-1' }],
      },
      'eu-central-1',
      { name: 'Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.3.0 (Ubuntu 20.04) 20240606', description: null, platformDetails: 'Linux/UNIX' },
    );
    expect(machine).toEqual({
      provider: 'aws',
      id: 'i-0123456789abcdef0',
      uniqueId: 'i-0123456789abcdef0',
      name: 'gpu-1',
      state: 'stopped',
      rawState: 'stopped',
      instanceType: 'g4dn.xlarge',
      region: 'eu-central-1',
      publicIp: null,
      publicDns: null,
      privateIp: '172.31.5.6',
      privateDns: 'ip-172-31-5-6.eu-central-1.compute.internal',
      keyName: 'seminar',
      defaultUser: 'ubuntu',
      image: 'Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.3.0 (Ubuntu 20.04)',
      knownImage: 'aws-deep-learning',
      platform: 'linux',
      launchedAt: Date.parse('2025-01-02T03:04:05Z'),
      resourceGroup: null,
      subscriptionId: null,
    });
  });

  it('names an untagged instance by its id and shows the AMI id when the image is unknown', () => {
    const machine = toCloudMachine({ InstanceId: 'i-0123456789abcdef1', State: { Name: 'shutting-down' }, ImageId: 'ami-9' }, 'us-east-1', null);
    expect(machine).toMatchObject({ name: 'i-0123456789abcdef1', state: 'terminating', rawState: 'shutting-down', image: 'ami-9', defaultUser: null, launchedAt: null });
  });
});
