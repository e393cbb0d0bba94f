/**
 * When the visitor last did something on the page. One set of passive listeners serves every element;
 * keep-alive pings only while someone is there.
 */
const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'scroll', 'touchstart'] as const;
let last = 0;
let users = 0;
const note = () => {
  last = performance.now();
};

export function trackVisitorActivity(): () => void {
  if (users++ === 0) {
    note();
    for (const type of EVENTS) document.addEventListener(type, note, { capture: true, passive: true });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0) for (const type of EVENTS) document.removeEventListener(type, note, { capture: true });
  };
}

/** Marks activity that is not a DOM event (a `speak()` call, the user talking). */
export function noteVisitorActivity(): void {
  note();
}

export function visitorIdleFor(): number {
  return performance.now() - last;
}
