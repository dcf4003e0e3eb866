/**
 * react-aria announces a focused button that turns pending through its live region: an
 * element `role="img" aria-labelledby="<button id>"` that stays for seconds (and, for the
 * first announcement, is added 100 ms late). When the step the button started replaces it
 * (Import key → the next wizard step), that element names nothing: an image without a name
 * for screen readers and accessibility checkers alike. It was read out, if at all, when it
 * was added; so once everything it points at is gone, it goes too.
 */
const ANNOUNCEMENTS = '[data-live-announcer] [role="img"][aria-labelledby]';

export function removeDanglingAnnouncements(doc: Document): void {
  for (const node of doc.querySelectorAll(ANNOUNCEMENTS)) {
    const ids = (node.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
    if (ids.every((id) => doc.getElementById(id) === null)) node.remove();
  }
}

/** Keeps the page free of dangling announcements; returns the function that stops it. */
export function watchLiveAnnouncements(doc: Document = document): () => void {
  const observer = new MutationObserver(() => removeDanglingAnnouncements(doc));
  observer.observe(doc.body, { childList: true, subtree: true });
  return () => observer.disconnect();
}
