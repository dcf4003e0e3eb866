/**
 * Where a textarea's text wraps. Text inside a textarea has no DOM ranges to measure, so
 * it is laid out again in a hidden copy that takes every computed style of the textarea
 * and its content width, and the lines are read from that copy's ranges.
 */
import type { Locator } from 'playwright-core';

export interface TextLayout {
  /** How many lines the part given runs over (1: it is not broken). */
  readonly linesOfPart: number;
  /** How many lines the whole text takes. */
  readonly lines: number;
  /** Whether the textarea shows all of it without scrolling. */
  readonly allVisible: boolean;
}

export async function textareaLayout(field: Locator, part: string): Promise<TextLayout> {
  return field.evaluate((element, part) => {
    const textarea = element as HTMLTextAreaElement;
    const start = textarea.value.indexOf(part);
    if (start < 0) throw new Error(`"${part}" is not in the field`);
    const style = getComputedStyle(textarea);
    const copy = document.createElement('div');
    for (const name of Array.from(style)) copy.style.setProperty(name, style.getPropertyValue(name));
    // The copy is as wide as the textarea's content box (scroll bar excluded), and grows to its text.
    Object.assign(copy.style, { position: 'absolute', top: '0', left: '0', visibility: 'hidden', display: 'block', boxSizing: 'border-box', borderWidth: '0', width: `${textarea.clientWidth}px`, height: 'auto', minHeight: '0', maxHeight: 'none', overflow: 'visible' });
    copy.textContent = textarea.value;
    document.body.append(copy);
    try {
      const text = copy.firstChild!;
      const tops = (from: number, to: number): number => {
        const range = document.createRange();
        range.setStart(text, from);
        range.setEnd(text, to);
        return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
      };
      return { linesOfPart: tops(start, start + part.length), lines: tops(0, textarea.value.length), allVisible: textarea.scrollHeight <= textarea.clientHeight };
    } finally {
      copy.remove();
    }
  }, part);
}
