/**
 * Turns main's `profiles.invalid` message into errors shown on the fields they are about.
 * Main words it as `The host profile "x" is not valid: host: the host "a b" contains a
 * space; port: must be ...; jumpHosts[0].host: ....` (see main/profiles/schema.ts
 * describeIssues); anything that names no field stays a form-level message.
 */

export interface FieldErrors {
  /** Keyed by the profile path as main writes it: `host`, `jupyter.rootDir`, `jumpHosts[0].host`. */
  readonly fields: Readonly<Record<string, string>>;
  /** Problems that name no field (or "and 3 more"). */
  readonly general: readonly string[];
}

const PATH = String.raw`[A-Za-z][A-Za-z0-9]*(?:\[\d+\]|\.[A-Za-z][A-Za-z0-9]*)*`;
const PART_START = new RegExp(`;\\s+(?=${PATH}: )`);
const PART = new RegExp(`^(${PATH}): ([\\s\\S]*)$`);

export function parseProfileErrors(message: string): FieldErrors {
  const marker = message.indexOf(' is not valid: ');
  const body = (marker >= 0 ? message.slice(marker + ' is not valid: '.length) : message).trim().replace(/\.$/, '');
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const raw of body.split(PART_START)) {
    const part = raw.trim();
    if (part === '') continue;
    // "...; and 2 more" rides on the last field's message: split it off.
    const [text = '', more] = part.split(/;\s+(?=and \d+ more$)/);
    const match = PART.exec(text);
    if (match) {
      const path = match[1] ?? '';
      const problem = sentence(match[2] ?? '');
      fields[path] = fields[path] === undefined ? problem : `${fields[path]} ${problem}`;
    } else {
      general.push(sentence(text));
    }
    if (more !== undefined) general.push(`There are ${more.replace(/^and /, '')} problems; fix these first.`);
  }
  return { fields, general };
}

/** "the host ... contains a space" -> "The host ... contains a space." */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
