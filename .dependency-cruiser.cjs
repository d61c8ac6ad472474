// The direction of dependencies in src/ (README, "Layout"), checked by `npm run check:layers`
// (part of `npm test`): routes → domain → storage, and the pure parts below them.
//
//   app/index ─→ routes, console, http ─→ durable (the gateway), queues ─→ domain ─→ db ─→ matching
//   and below all of them: lib/, vocabulary.ts, errors.ts, secrets.ts
//
// `src/env.ts` declares the Worker's bindings and may name any type; nothing else is exempt.
const layer = (name, path, mayNotReach, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path, pathNot: '^src/env\\.ts$' },
  to: { path: mayNotReach, pathNot: '^src/env\\.ts$' },
});

module.exports = {
  forbidden: [
    layer('lib-is-a-leaf', '^src/lib/', '^src/(?!lib/|errors\\.ts$)', 'lib/ holds utilities: it depends on nothing of the project but the error type.'),
    layer('vocabulary-is-a-leaf', '^src/vocabulary\\.ts$', '^src/', 'The vocabulary is words only: it depends on nothing.'),
    layer('matching-is-pure', '^src/matching/', '^src/(db|domain|durable|queues|routes|console|http|schemas)/', 'The matching engine compares identities; it knows nothing of storage or HTTP.'),
    layer('storage-below-domain', '^src/db/', '^src/(domain|durable|queues|routes|console|http|schemas)/', 'db/ is storage: schemas and queries, never the rules that use them.'),
    layer('schemas-below-domain', '^src/schemas/', '^src/(domain|db|durable|queues|routes|console|http)/', 'Request schemas describe the contract; the domain may use their types, not the reverse.'),
    layer('domain-below-adapters', '^src/domain/', '^src/(durable|queues|routes|console|http)/|^src/(app|index)\\.ts$', 'The domain never reaches Durable Objects, queues or HTTP: callers hand it what it needs.'),
    layer('adapters-below-routes', '^src/(durable|queues)/', '^src/(routes|console|http)/|^src/(app|index)\\.ts$', 'Durable Objects and queue consumers call the domain, never the HTTP layer.'),
    layer('routes-without-storage', '^src/routes/', '^src/db/', 'Routes are HTTP shape only: they reach storage through the domain and programs through the gateway.'),
    layer('console-without-storage', '^src/console/', '^src/db/', 'The console is pages over the domain, like routes/: it reaches storage through the domain and programs through the gateway.'),
    layer('console-beside-routes', '^src/console/', '^src/routes/', 'The console and the planes\' routes are two doors to the same domain: neither goes through the other.'),
    layer('routes-beside-console', '^src/routes/', '^src/console/', 'The console and the planes\' routes are two doors to the same domain: neither goes through the other.'),
    {
      name: 'no-cycles',
      comment: 'A cycle of runtime imports means two modules are one; type-only references are allowed.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
