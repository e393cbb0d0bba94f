/**
 * Splits text for vendors that cap one speak call: at sentence boundaries first, then at word boundaries
 * for a sentence that alone is too long, and only as a last resort inside a word. Order is kept, nothing
 * is dropped, and no piece is longer than `maxChars`.
 */
export function splitText(text: string, maxChars: number): string[] {
  const trimmed = text.trim();
  if (!Number.isFinite(maxChars) || maxChars <= 0 || trimmed.length <= maxChars) return trimmed ? [trimmed] : [];
  const pieces: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) pieces.push(current.trim());
    current = '';
  };
  for (const sentence of sentences(trimmed)) {
    if ((current + sentence).trim().length <= maxChars) {
      current += sentence;
      continue;
    }
    push();
    if (sentence.trim().length <= maxChars) {
      current = sentence;
      continue;
    }
    for (const word of sentence.split(/(?<=\s)/)) {
      if ((current + word).trim().length <= maxChars) {
        current += word;
        continue;
      }
      push();
      let rest = word;
      while (rest.trim().length > maxChars) {
        pieces.push(rest.slice(0, maxChars));
        rest = rest.slice(maxChars);
      }
      current = rest;
    }
  }
  push();
  return pieces;
}

function sentences(text: string): string[] {
  const Segmenter = (Intl as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Segmenter) return [...new Segmenter(undefined, { granularity: 'sentence' }).segment(text)].map((s) => s.segment);
  return text.match(/[^.!?。！？]+[.!?。！？]*\s*|.+$/g) ?? [text];
}
