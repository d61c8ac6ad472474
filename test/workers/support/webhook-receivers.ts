// Runs in Node, not in workerd: vitest.config.ts installs `receiversEdge` as Miniflare's
// `outboundService`, so every outbound `fetch` of the Worker under test (and of the tests)
// leaves workerd and lands here — the network edge. Our code is not stubbed: it really sends
// HTTP, and these fake receivers answer it.
//
// `https://receivers.example.com/<name>` is a webhook receiver. It answers each request with the
// next scripted answer (the last one repeats; by default 200) and records what it got.
// Tests drive it through the same edge:
//   POST https://receivers.example.com/__script/<name>   {"answers": [{"status": 500}, ...]}
//   GET  https://receivers.example.com/__received/<name> → [{headers, body}, ...]
// Anything else is refused with 502, as an unreachable host would be.

export const RECEIVERS_HOST = 'receivers.example.com';

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Answer only after this long (to exceed the delivery timeout). */
  delayMs?: number;
}

interface Receiver {
  answers: ScriptedAnswer[];
  received: { headers: Record<string, string>; body: string }[];
}

const receivers = new Map<string, Receiver>();
const receiver = (name: string) => {
  let r = receivers.get(name);
  if (!r) receivers.set(name, (r = { answers: [], received: [] }));
  return r;
};

export async function receiversEdge(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== RECEIVERS_HOST) return new Response(`no route to ${url.host} in tests`, { status: 502 });
  const [, first, second] = url.pathname.split('/');
  if (first === '__script' && second) {
    receiver(second).answers = ((await request.json()) as { answers: ScriptedAnswer[] }).answers;
    return Response.json({ ok: true });
  }
  if (first === '__received' && second) return Response.json(receiver(second).received);
  if (!first) return new Response('no receiver', { status: 404 });

  const r = receiver(first);
  r.received.push({ headers: Object.fromEntries(request.headers), body: await request.text() });
  const answer = (r.answers.length > 1 ? r.answers.shift() : r.answers[0]) ?? { status: 200 };
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  return new Response(answer.status === 204 ? null : `answer ${answer.status}`, { status: answer.status, headers: answer.headers ?? {} });
}
