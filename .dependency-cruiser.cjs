/**
 * The layering rules, checked on every `npm test`:
 *   shared/domain ← shared/ports ← shared/use-cases ← services/<name> (routes)
 * Adapters implement ports and are chosen only in composition roots (each service's server.ts, services/embedded,
 * infra/local), which alone may assemble several services.
 */
const COMPOSITION_ROOTS =
  '(^services/[^/]+/server\\.ts$|^services/catalogue/|^services/embedded/|^services/google/|^infra/local/|^test/|\\.test\\.ts$)';
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'shared/domain: no I/O, no Hono, no Google, no other layer',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: { pathNot: ['^shared/domain/'] },
    },
    {
      name: 'ports-see-only-domain',
      severity: 'error',
      from: { path: '^shared/ports/' },
      to: { pathNot: ['^shared/(domain|ports)/'] },
    },
    {
      name: 'use-cases-see-domain-and-ports',
      comment: 'a use case gets adapters injected; it never imports one, nor Hono, nor a Google client',
      severity: 'error',
      from: { path: '^shared/use-cases/' },
      to: { pathNot: ['^shared/(domain|ports|use-cases)/', '^node:crypto$', '^crypto$'] },
    },
    {
      name: 'adapters-implement-ports-only',
      severity: 'error',
      from: { path: '^shared/adapters/' },
      to: { path: ['^shared/use-cases/', '^shared/http/', '^services/'] },
    },
    {
      name: 'routes-do-not-pick-adapters',
      comment: 'only composition roots (server.ts, the embedded stack) choose adapters',
      severity: 'error',
      from: { path: '^services/', pathNot: COMPOSITION_ROOTS },
      to: { path: '^shared/adapters/' },
    },
    {
      name: 'services-do-not-import-each-other',
      comment: 'a service may be assembled with others only in a composition root',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: COMPOSITION_ROOTS },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'config-only-in-composition-roots',
      severity: 'error',
      from: { path: '^(shared|services)/', pathNot: [COMPOSITION_ROOTS, '^shared/config\\.ts$'] },
      to: { path: '^shared/config\\.ts$' },
    },
    {
      name: 'shared-does-not-import-services',
      comment: 'tests beside shared code may use test/support, the one home of test helpers',
      severity: 'error',
      from: { path: '^shared/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(services|infra|test)/' },
    },
    {
      name: 'cloud-tasks-emulator-stands-alone',
      comment: 'the emulator folder can be lifted out whole: it imports only node_modules and its own files',
      severity: 'error',
      from: { path: '^infra/cloud-tasks-emulator/' },
      to: { path: '^(shared|services|test)/|^infra/(?!cloud-tasks-emulator/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
