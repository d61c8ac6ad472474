import { errors } from '../errors';

/** Largest accepted request body. A Beacon User with every field and dozens of
 * accounts is a few kilobytes; anything near this limit is a mistake or abuse. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads the request as a JSON object, refusing other content types, bodies over the
 * limit (without buffering them) and anything that is not a JSON object. */
export async function readJsonObject(request: Request, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw errors.invalidBody('the request must have Content-Type: application/json');
  }
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) throw errors.bodyTooLarge(limit);

  const text = await readCapped(request, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalidBody('the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw errors.invalidBody('the request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

async function readCapped(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  try {
    // A declared length within the limit is all the body can be (HTTP framing): one read.
    if (request.headers.has('content-length')) return decoder.decode(await request.arrayBuffer());
    const reader = request.body.getReader();
    let size = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw errors.bodyTooLarge(limit);
      }
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    if (error instanceof TypeError) throw errors.invalidBody('the request body is not valid UTF-8');
    throw error;
  }
}
