/** One D1 statement per request: `/create` inserts the body, `/get` reads a row by id. */
interface FloorEnv {
  DB: D1Database;
}

export default {
  async fetch(request, env) {
    const body = await request.json<{ id: string; data?: unknown }>();
    const { pathname } = new URL(request.url);
    if (pathname === '/create') {
      await env.DB.prepare('INSERT INTO items (id, data) VALUES (?, ?)').bind(body.id, JSON.stringify(body.data)).run();
      return Response.json({ id: body.id });
    }
    if (pathname === '/get') {
      return Response.json(await env.DB.prepare('SELECT id, data FROM items WHERE id = ?').bind(body.id).first());
    }
    return new Response('not found', { status: 404 });
  },
} satisfies ExportedHandler<FloorEnv>;
