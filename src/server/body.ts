import { badRequest } from './errors.js';
import { isObject, type Json } from './http.js';

/** Body types the routes take: JSON, and text/plain holding JSON (some beacon and form senders). */
const ACCEPTED_TYPES = ['application/json', 'text/plain'];

/**
 * Reads a request body as a JSON object, refusing more than `maxBytes` without buffering it. The size is
 * checked while streaming because `Content-Length` can be absent (chunked) or wrong.
 */
export async function readJsonObject(request: Request, maxBytes: number): Promise<Json> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && !ACCEPTED_TYPES.includes(type) && !type.endsWith('+json')) {
    throw badRequest(`The body must be JSON (got Content-Type ${type}).`, 415);
  }
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The body is not valid UTF-8.');
  }
  if (!text.trim()) throw badRequest('The body is empty; expected a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
  if (!isObject(value)) throw badRequest('The body must be a JSON object.');
  return value;
}

function tooLarge(maxBytes: number) {
  return badRequest(`The body is larger than ${maxBytes} bytes.`, 413);
}
