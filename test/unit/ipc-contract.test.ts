import { describe, expect, it } from 'vitest';
import { apiPathOf, commandNames, commands, eventNames, events } from '../../main/ipc/contract';

describe('IPC contract', () => {
  it('lists exactly the channels it declares schemas for', () => {
    expect([...commandNames].sort()).toEqual(Object.keys(commands).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });

  it('names commands domain:verb and events domain:past-tense in kebab case', () => {
    for (const name of [...commandNames, ...eventNames]) expect(name).toMatch(/^[a-z]+:[a-z]+(-[a-z]+)*$/);
  });

  it('maps a command to its place on window.porthole', () => {
    expect(apiPathOf('app:get-info')).toEqual(['app', 'getInfo']);
  });

  it('gives every command a distinct place on window.porthole', () => {
    const paths = commandNames.map((name) => apiPathOf(name).join('.'));
    expect(new Set(paths).size).toBe(paths.length);
  });
});
