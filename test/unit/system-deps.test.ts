import { describe, expect, it } from 'vitest';
import { describeMissing, REQUIREMENTS } from '../env/system-deps';

describe('system dependency message', () => {
  it('names each missing program, its package and the exact install command', () => {
    const missing = REQUIREMENTS.filter((r) => r.aptPackage === 'openssh-server' || r.aptPackage === 'chromium');
    const message = describeMissing(missing);
    expect(message).toContain('/usr/sbin/sshd (package openssh-server');
    expect(message).toContain('/usr/bin/chromium (package chromium');
    expect(message).toMatch(/apt-get install -y --no-install-recommends openssh-server chromium python3-jupyter-server$/m);
  });

  it('covers every service the test environment starts', () => {
    const packages = new Set(REQUIREMENTS.map((r) => r.aptPackage));
    for (const pkg of ['openssh-server', 'jupyter-notebook', 'jupyter-server', 'chromium', 'gnome-keyring', 'dbus', 'putty-tools', 'openssl']) {
      expect(packages).toContain(pkg);
    }
  });
});
