/**
 * The JSON line the locate script's Python prints (versions, runtime dir, runtime files).
 * It comes from the remote, so it is checked against a schema before anything uses it:
 * a broken or hostile report is an error that says so, never a half-read object.
 */
import { z } from 'zod';
import { PortholeError } from '../shared/errors';

const locateReport = z.object({
  versions: z.record(z.string(), z.string().nullable()),
  runtimeDir: z.string().min(1).nullable(),
  servers: z.array(z.object({ name: z.string(), json: z.string(), alive: z.boolean() })),
});

export type LocateReport = z.infer<typeof locateReport>;

export function parseLocateReport(text: string): LocateReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = locateReport.safeParse(raw);
  if (!parsed.success) {
    throw new PortholeError({
      code: 'jupyter.bad-report',
      message: 'The remote sent an unreadable report about its Jupyter installation.',
      hint: 'Check that the chosen Python runs (`python3 -c "import jupyter_core"` on the remote); a broken environment is the usual cause.',
      retryable: false,
    });
  }
  return parsed.data;
}
