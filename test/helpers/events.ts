import type { AvatarEventDetailMap, AvatarEventName } from '../../src/events/avatar-events.js';

/** Resolves with the next `name` event from `target`, or rejects after `timeoutMs`. */
export function nextEvent<K extends AvatarEventName>(
  target: EventTarget,
  name: K,
  timeoutMs = 10000,
): Promise<CustomEvent<AvatarEventDetailMap[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(name, listener);
      reject(new Error(`No ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (event: Event) => {
      clearTimeout(timer);
      target.removeEventListener(name, listener);
      resolve(event as CustomEvent<AvatarEventDetailMap[K]>);
    };
    target.addEventListener(name, listener);
  });
}

/** Records every event of the given names, in order. */
export function recordEvents(target: EventTarget, names: readonly AvatarEventName[]) {
  const events: { type: string; detail: unknown }[] = [];
  const listener = (event: Event) => events.push({ type: event.type, detail: (event as CustomEvent).detail });
  for (const name of names) target.addEventListener(name, listener);
  return {
    events,
    types: () => events.map((e) => e.type),
    of: <K extends AvatarEventName>(name: K) =>
      events.filter((e) => e.type === name).map((e) => e.detail as AvatarEventDetailMap[K]),
    stop: () => names.forEach((name) => target.removeEventListener(name, listener)),
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, message = 'condition'): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
