/** `setTimeout` for any delay: browsers fire a delay past 2^31 - 1 ms (about 24.8 days) at once, so long ones are chained. */

/** The longest delay `setTimeout` honours (a signed 32-bit count of milliseconds). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Runs `callback` after `delayMs` (clamped to at least 0; Infinity never fires). Returns the cancel function. */
export function longTimeout(callback: () => void, delayMs: number): () => void {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const due = Date.now() + Math.max(0, delayMs);
  const arm = () => {
    if (cancelled || due === Infinity) return;
    const left = due - Date.now();
    if (left > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
    else handle = setTimeout(callback, Math.max(0, left));
  };
  if (!Number.isNaN(due)) arm();
  return () => {
    cancelled = true;
    clearTimeout(handle);
  };
}
