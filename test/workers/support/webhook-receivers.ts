// Runs in Node, not in workerd: vitest.config.ts installs `receiversEdge` as Miniflare's
// `outboundService`, so every outbound `fetch` of the Worker under test (and of the tests)
// leaves workerd and lands here — the network edge. Our code is not stubbed: it really sends
// HTTP, and these fake receivers answer it.
//
// `https://receivers.example.com/<name>` is a webhook receiver. It answers each request
// with the next scripted answer (the last one repeats; by default 200) and records what it
// got. Tests drive it through the same edge:
//   POST https://receivers.example.com/__script/<name>   {"answers": [{"status": 500}, ...]}
//   GET  https://receivers.example.com/__received/<name> → [{headers, body}, ...]
// Anything else is refused with 502, as an unreachable host would be.

export const RECEIVERS_HOST = 'receivers.example.com';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer only after this long (to exceed the delivery timeout). */
  delayMs?: number;
  /** Close the connection without answering, as a refused or reset one ends: the
   * Worker's `fetch` throws. */
  dropConnection?: boolean;
}

interface Receiver {
  answers: ScriptedAnswer[];
  received: { headers: Record<string, string>; body: string }[];
}

// A Node request handler (`outboundService: { node }`), so that it can drop a connection.
// This file is also part of the Workers program, which has no Node types: these name the
// parts of Node's request and response it uses.
interface EdgeRequest extends AsyncIterable<Uint8Array> {
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  socket: { destroy(): void };
}
interface EdgeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
}

const receivers = new Map<string, Receiver>();
const receiver = (name: string) => {
  let r = receivers.get(name);
  if (!r) receivers.set(name, (r = { answers: [], received: [] }));
  return r;
};

export async function receiversEdge(request: EdgeRequest, response: EdgeResponse): Promise<void> {
  const send = (status: number, body: string | undefined, headers: Record<string, string> = {}) => {
    response.writeHead(status, headers);
    response.end(body);
  };
  const url = new URL(request.url ?? '/', `https://${request.headers.host}`);
  const decoder = new TextDecoder();
  let body = '';
  for await (const chunk of request) body += decoder.decode(chunk, { stream: true });
  body += decoder.decode();

  if (url.hostname !== RECEIVERS_HOST) return send(502, `no route to ${url.host} in tests`);
  const [, first, second] = url.pathname.split('/');
  if (first === '__script' && second) {
    receiver(second).answers = (JSON.parse(body) as { answers: ScriptedAnswer[] }).answers;
    return send(200, '{"ok":true}', { 'content-type': 'application/json' });
  }
  if (first === '__received' && second) return send(200, JSON.stringify(receiver(second).received), { 'content-type': 'application/json' });
  if (!first) return send(404, 'no receiver');

  const r = receiver(first);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  r.received.push({ headers, body });
  const answer = (r.answers.length > 1 ? r.answers.shift() : r.answers[0]) ?? { status: 200 };
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (answer.dropConnection) return request.socket.destroy();
  send(answer.status, answer.status === 204 ? undefined : `answer ${answer.status}`, answer.headers ?? {});
}
