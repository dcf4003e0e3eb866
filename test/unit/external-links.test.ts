import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../main/shared/external-links';

describe('isAllowedExternalUrl', () => {
  it.each(['https://jupyter.org/', 'http://127.0.0.1:8888/tree', 'http://localhost:9000/lab', 'http://[::1]:8888/'])('allows %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ms-settings:privacy',
    'https://user:pass@example.com/',
    'not a url',
    'http://127.0.0.1.evil.example/',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});
