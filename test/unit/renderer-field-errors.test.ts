import { describe, expect, it } from 'vitest';
import { parseProfileErrors } from '../../renderer/src/host-editor/field-errors';
import { editorFieldOf } from '../../renderer/src/host-editor/host-draft';

describe("profiles.invalid message -> errors on the host editor's fields", () => {
  it('maps each "field: message" part to its field, as sentences', () => {
    const parsed = parseProfileErrors('The host profile "x" is not valid: host: the host "a b" contains a space; port: must be a whole number from 1 to 65535.');
    expect(parsed.fields).toEqual({ host: 'The host "a b" contains a space.', port: 'Must be a whole number from 1 to 65535.' });
    expect(parsed.general).toEqual([]);
  });

  it('keeps nested paths (jupyter.rootDir, jumpHosts[0].host, forwards[1].remotePort) and folds them onto editor fields', () => {
    const parsed = parseProfileErrors('The host profile "x" is not valid: jupyter.rootDir: is empty; jumpHosts[0].host: the jump host "-x" starts with "-"; forwards[1].remotePort: must be a number.');
    expect(Object.keys(parsed.fields)).toEqual(['jupyter.rootDir', 'jumpHosts[0].host', 'forwards[1].remotePort']);
    expect(editorFieldOf('forwards[1].remotePort')).toBe('forwards[1].targetPort');
    expect(editorFieldOf('jupyter.env.name')).toBe('jupyter.env');
  });

  it('does not split inside a message that itself contains "; "', () => {
    const parsed = parseProfileErrors('The host profile is not valid: name: "a; b" is odd; host: is empty.');
    expect(parsed.fields['name']).toBe('"a; b" is odd.');
    expect(parsed.fields['host']).toBe('Is empty.');
  });

  it('keeps parts that name no field, and "and N more", as form-level messages', () => {
    const parsed = parseProfileErrors('The host profile "x" is not valid: something is off; host: is empty; and 2 more.');
    expect(parsed.fields).toEqual({ host: 'Is empty.' });
    expect(parsed.general).toEqual(['Something is off.', 'There are 2 more problems; fix these first.']);
  });
});
