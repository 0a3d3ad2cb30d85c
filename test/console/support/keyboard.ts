import type { Page } from 'playwright-core';
import type { Dom } from './dom.js';

/** An element keyboard focus reached: enough to name it as a person would. */
export interface Focused {
  readonly tag: string;
  /** The explicit role, else the element's own (`button`, `link`, `textbox`, …). */
  readonly role: string;
  /** `aria-label`, else the associated `<label>`s, else the text (whitespace collapsed). */
  readonly name: string;
}

/**
 * Presses Tab from the top of the page until focus comes back round to an element it has
 * reached (or `max` presses) and returns each element reached, in order: what someone
 * without a mouse can get to. A test asserts an action is among them, e.g.
 * `expect(reached).toContainEqual(expect.objectContaining({ role: 'button', name: 'Extend' }))`.
 */
export async function tabThrough(page: Page, max = 100): Promise<Focused[]> {
  // Start before the first focusable element, as after loading the page.
  await page.evaluate(() => {
    const dom = globalThis as unknown as Dom;
    dom.__tabbed = new WeakSet();
    dom.document.activeElement?.blur?.();
  });
  const reached: Focused[] = [];
  for (let press = 0; press < max; press += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((): Focused | 'again' | undefined => {
      const dom = globalThis as unknown as Dom;
      const element = dom.document.activeElement;
      if (element === null || element === dom.document.body) return undefined;
      if (dom.__tabbed?.has(element)) return 'again';
      dom.__tabbed?.add(element);
      const tag = element.tagName.toLowerCase();
      const type = element.type ?? '';
      const implicit: Record<string, string> = {
        a: 'link',
        button: 'button',
        select: 'combobox',
        textarea: 'textbox',
        summary: 'button',
        input: ['checkbox', 'radio'].includes(type)
          ? type
          : ['submit', 'button', 'reset'].includes(type)
            ? 'button'
            : 'textbox',
      };
      const labels = Array.from(element.labels ?? [], (label) => label.textContent ?? '');
      const name =
        element.getAttribute('aria-label') ??
        (labels.length > 0 ? labels.join(' ') : (element.textContent ?? ''));
      return {
        tag,
        role: element.getAttribute('role') ?? implicit[tag] ?? tag,
        name: name.replace(/\s+/g, ' ').trim(),
      };
    });
    if (focused === 'again') break;
    // Focus left the document (past the last element): the next Tab starts over.
    if (focused !== undefined) reached.push(focused);
  }
  return reached;
}
