/**
 * What an AMI tells about the machine it runs: the login to try, a short name for people,
 * and whether it is an image Porthole knows how to reach a notebook on. Pure: the facts
 * come from DescribeInstances (platform) and DescribeImages (name, description), and the
 * image facts may be missing (a deregistered AMI, or no ec2:DescribeImages permission).
 *
 * Default logins are the ones AWS documents per distribution ("Connect to your Linux
 * instance": ec2-user, ubuntu, admin, centos, fedora, bitnami, ...).
 */
import type { KnownImage } from '../provider';

export interface ImageFacts {
  /** DescribeImages `name` (e.g. "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1"). */
  readonly name?: string | null;
  readonly description?: string | null;
  /** DescribeInstances `platform`: "windows" or absent. */
  readonly platform?: string | null;
  /** DescribeInstances/DescribeImages `platformDetails`: "Linux/UNIX", "Red Hat Enterprise Linux", "Windows", ... */
  readonly platformDetails?: string | null;
}

export interface ImageGuess {
  readonly defaultUser: string | null;
  /** A short description for people ("Ubuntu 22.04", "Deep Learning AMI GPU PyTorch 2.3 (Ubuntu 22.04)"). */
  readonly label: string | null;
  readonly knownImage: KnownImage;
  readonly platform: 'linux' | 'windows';
}

interface Distribution {
  readonly test: RegExp;
  readonly user: string;
  readonly name: string;
  /** Where the version is in the text, as the first group ("22.04", "12", "9.3"). */
  readonly version?: RegExp;
}

/** Order matters: the first match wins (Amazon Linux 2023 before Amazon Linux 2). */
const DISTRIBUTIONS: readonly Distribution[] = [
  { test: /ubuntu/i, user: 'ubuntu', name: 'Ubuntu', version: /\b(\d\d\.\d\d)\b/ },
  { test: /\bal2023-ami\b|Amazon Linux 2023/i, user: 'ec2-user', name: 'Amazon Linux 2023' },
  { test: /\bamzn2-ami\b|Amazon Linux 2\b/i, user: 'ec2-user', name: 'Amazon Linux 2' },
  { test: /\bamzn-ami\b|Amazon Linux/i, user: 'ec2-user', name: 'Amazon Linux' },
  { test: /\bdebian\b/i, user: 'admin', name: 'Debian', version: /debian[- ](\d+)\b/i },
  { test: /\bRHEL\b|Red Hat Enterprise Linux/i, user: 'ec2-user', name: 'Red Hat Enterprise Linux', version: /(?:RHEL|Red Hat Enterprise Linux)[-_ ](\d+(?:\.\d+)?)/i },
  { test: /\bCentOS\b/i, user: 'centos', name: 'CentOS', version: /CentOS[- ](?:Stream[- ])?(\d+)\b/i },
  { test: /\bRocky\b/i, user: 'rocky', name: 'Rocky Linux', version: /Rocky[- ](?:Linux[- ])?(\d+)/i },
  { test: /\bAlmaLinux\b/i, user: 'ec2-user', name: 'AlmaLinux', version: /AlmaLinux[- ](?:OS[- ])?(\d+)/i },
  { test: /\bFedora\b/i, user: 'fedora', name: 'Fedora', version: /Fedora[- ](?:Cloud[- ]Base[- ](?:AmazonEC2[-.])?)?(\d+)/i },
  { test: /\bsuse\b|\bsles\b/i, user: 'ec2-user', name: 'SUSE Linux' },
  { test: /\bbitnami\b/i, user: 'bitnami', name: 'Bitnami' },
];

const DEEP_LEARNING = /\bDeep Learning\b/i;

export function guessImage(facts: ImageFacts): ImageGuess {
  const name = facts.name?.trim() || null;
  const description = facts.description?.trim() || null;
  const windows = facts.platform?.toLowerCase() === 'windows' || /windows/i.test(facts.platformDetails ?? '');
  if (windows) return { defaultUser: 'Administrator', label: name ? shortName(name) : 'Windows', knownImage: null, platform: 'windows' };

  // Name first (it is the most specific), then the description, then what the instance alone says.
  const texts = [name, description, facts.platformDetails ?? null].filter((text): text is string => text !== null);
  const distribution = firstMatch(texts);

  if (texts.slice(0, 2).some((text) => DEEP_LEARNING.test(text))) {
    return {
      // A DLAMI is Ubuntu or Amazon Linux underneath; its name says which ("... (Ubuntu 22.04) ...").
      defaultUser: distribution?.user ?? null,
      label: name ? shortName(name) : (description ?? 'Deep Learning AMI'),
      knownImage: 'aws-deep-learning',
      platform: 'linux',
    };
  }
  if (distribution === null) return { defaultUser: null, label: name ? shortName(name) : null, knownImage: null, platform: 'linux' };
  return { defaultUser: distribution.user, label: distribution.label, knownImage: null, platform: 'linux' };
}

function firstMatch(texts: readonly string[]): { user: string; label: string } | null {
  for (const text of texts) {
    const distribution = DISTRIBUTIONS.find((candidate) => candidate.test.test(text));
    if (distribution === undefined) continue;
    const version = distribution.version?.exec(text)?.[1];
    return { user: distribution.user, label: version ? `${distribution.name} ${version}` : distribution.name };
  }
  return null;
}

/** An AMI name without its build date or serial ("... (Ubuntu 22.04) 20240611" -> "... (Ubuntu 22.04)"). */
function shortName(name: string): string {
  return name.replace(/[\s_-]+(?:v?\d{8}(?:[.-]\d+)?|Version \d+(?:\.\d+)*)\s*$/i, '').trim() || name;
}
