export const SECTIONS = [
  { id: 'hosts', label: 'Hosts', icon: 'server' },
  { id: 'cloud', label: 'Cloud', icon: 'cloud' },
  { id: 'notebooks', label: 'Notebooks', icon: 'book' },
  { id: 'keys', label: 'Keys', icon: 'key' },
  { id: 'settings', label: 'Settings', icon: 'gear' },
  { id: 'log', label: 'Log', icon: 'log' },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];

export function isSectionId(value: string): value is SectionId {
  return SECTIONS.some((s) => s.id === value);
}
