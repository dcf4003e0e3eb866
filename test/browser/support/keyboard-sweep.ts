/**
 * Walks a page with Tab alone and reports every control a keyboard user cannot reach or
 * would hear without a name. A control inside a composite widget (radio group, tab list,
 * menu, listbox) counts as reached when the widget's one tab stop is: arrow keys move
 * inside it, as WAI-ARIA prescribes. Disabled controls are out of the tab order by design.
 */
import type { Page } from 'playwright-core';

const MARK = 'data-kb-sweep';

export interface SweepResult {
  /** Tab stops in order, as role and accessible name ("button \"Launch notebook\""). */
  readonly stops: readonly string[];
  /** Problems: unreachable controls and nameless tab stops. Empty when all is well. */
  readonly problems: readonly string[];
}

export async function sweepKeyboard(page: Page): Promise<SweepResult> {
  const candidates = await page.evaluate((mark) => {
    const CONTROLS =
      'button, a[href], input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"]), [role="button"], [role="tab"], [role="radio"], [role="checkbox"], [role="switch"], [role="menuitem"], [role="option"], [role="link"]';
    const shown = (el: Element): boolean => {
      // react-aria's radios, checkboxes and switches are visually hidden inputs inside a visible label.
      const box = el.closest('label') ?? el;
      return box.getClientRects().length > 0 && getComputedStyle(box).visibility !== 'hidden';
    };
    const out: { id: string; what: string; group: string | null }[] = [];
    let n = 0;
    for (const el of document.querySelectorAll(CONTROLS)) {
      if (el.closest('[aria-hidden="true"], [inert], [data-live-announcer]')) continue;
      if ((el as HTMLButtonElement).disabled || el.getAttribute('aria-disabled') === 'true' || el.closest('fieldset:disabled')) continue;
      if (!shown(el)) continue;
      const group = el.closest('[role="radiogroup"], [role="tablist"], [role="menu"], [role="listbox"], [role="grid"]');
      // Out of the tab order on purpose (react-aria's screen-reader-only Dismiss buttons), unless arrow keys reach it inside its widget.
      if (el.getAttribute('tabindex') === '-1' && group === null) continue;
      const id = String(n++);
      el.setAttribute(mark, id);
      if (group && !group.hasAttribute(`${mark}-group`)) group.setAttribute(`${mark}-group`, `g${id}`);
      const text = (el.getAttribute('aria-label') ?? (el as HTMLElement).innerText ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      out.push({ id, what: `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${text}"`, group: group?.getAttribute(`${mark}-group`) ?? null });
    }
    (document.activeElement as HTMLElement | null)?.blur();
    return out;
  }, MARK);

  const reached = new Set<string>();
  const stops: string[] = [];
  const problems: string[] = [];
  let first: string | null = null;
  for (let i = 0; i < candidates.length * 2 + 10; i++) {
    await page.keyboard.press('Tab');
    const { id, other } = await page.evaluate((mark) => {
      const active = document.activeElement;
      const marked = active?.closest(`[${mark}]`)?.getAttribute(mark) ?? null;
      return { id: marked, other: marked === null && active !== null && active !== document.body ? active.outerHTML.slice(0, 120) : null };
    }, MARK);
    if (other !== null) problems.push(`tab stop that is no control: ${other}`);
    if (id === null) continue; // the document itself, between the last stop and the first
    if (id === first) break;
    first ??= id;
    reached.add(id);
    const focused = page.locator(`[${MARK}="${id}"]`);
    const aria = (await focused.ariaSnapshot()).split('\n')[0]?.replace(/^- /, '').replace(/:$/, '') ?? '';
    stops.push(aria);
    // A tab stop's snapshot is `role "name"`; without the quoted part the control has no name.
    if (!/"[^"]+"/.test(aria)) problems.push(`tab stop without an accessible name: ${aria} (${candidates.find((c) => c.id === id)?.what ?? id})`);
  }
  const reachedGroups = new Set(candidates.filter((c) => reached.has(c.id) && c.group !== null).map((c) => c.group));
  for (const c of candidates) {
    if (reached.has(c.id) || (c.group !== null && reachedGroups.has(c.group))) continue;
    problems.push(`not reachable with Tab: ${c.what}`);
  }
  return { stops, problems };
}
