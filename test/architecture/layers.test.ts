import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of ARCHITECTURE.md ("Layers and what each may import"), checked on the import
 * statements of every module under functions/ (static imports, re-exports, `import()` and
 * `import('…')` types), parsed with the TypeScript compiler.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const FUNCTIONS = join(ROOT, 'functions');

type Layer = 'core' | 'ports' | 'app' | 'api' | 'adapters' | 'handlers' | 'runners';
const LAYERS: readonly Layer[] = ['core', 'ports', 'app', 'api', 'adapters', 'handlers', 'runners'];

interface Import {
  /** The importing module, relative to the repository root. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported module relative to the repository root (relative specifiers), else undefined. */
  target?: string;
  typeOnly: boolean;
}

function modulesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return modulesUnder(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const from = relative(ROOT, file);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) =>
    found.push({
      from,
      specifier,
      target: specifier.startsWith('.') ? relative(ROOT, resolve(dirname(file), specifier)) : undefined,
      typeOnly,
    });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const everyNamedIsType =
        clause?.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.name === undefined &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, Boolean(clause?.isTypeOnly) || everyNamedIsType);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `functions/<layer>/…` → layer; `infra/…` → 'infra'; `test/…` → 'test'. */
function layerOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'functions' ? (parts[1] ?? '') : (parts[0] ?? '');
}

/** `ajv/dist/2020.js` → `ajv`; `@aws-sdk/client-sfn` → `@aws-sdk/client-sfn`; `node:fs/promises` → `node:fs`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** What core may import besides core: pure libraries (outputBounds.ts cuts UTF-8 safely with StringDecoder). */
const CORE_PACKAGES = new Set([
  'zod',
  'json-e',
  'croner',
  'ajv',
  'ajv-formats',
  're2js',
  'node:crypto',
  'node:string_decoder',
]);

/** Packages that do I/O: never in app (use cases reach the world through ports); api serves files (the dashboard) but spawns nothing. */
const IO_PACKAGES = new Set(['node:fs', 'node:child_process', 'node:http', 'node:https', 'node:net']);

const MAY_IMPORT: Record<Layer, ReadonlySet<string>> = {
  core: new Set(['core']),
  ports: new Set(['core', 'ports']),
  app: new Set(['core', 'ports', 'app']),
  api: new Set(['core', 'ports', 'app', 'api']),
  runners: new Set(['core', 'ports', 'app', 'runners', 'adapters']),
  adapters: new Set(['core', 'ports', 'app', 'runners', 'adapters']),
  handlers: new Set(['core', 'ports', 'app', 'api', 'runners', 'adapters', 'handlers']),
};

/**
 * Exceptions still open, each `from → specifier` with its reason. Empty today: the step runners are
 * reached through functions/ports/stepActions.ts, the delivered-event type lives with the Bus port.
 */
const ALLOWED_EXCEPTIONS: ReadonlyMap<string, string> = new Map<string, string>([]);

function violation(imp: Import): string | undefined {
  const layer = layerOf(imp.from) as Layer;
  if (imp.target) {
    const targetLayer = layerOf(imp.target);
    if (targetLayer === 'functions' || !imp.target.startsWith('functions/'))
      return `${imp.from} imports ${imp.specifier}, outside functions/`;
    if (!MAY_IMPORT[layer].has(targetLayer))
      return `${imp.from} (${layer}) imports ${imp.specifier} (${targetLayer})`;
    return undefined;
  }
  const pkg = packageOf(imp.specifier);
  if (layer === 'core' && !CORE_PACKAGES.has(pkg)) return `${imp.from} (core) imports the package ${pkg}`;
  if (layer === 'ports') return `${imp.from} (ports) imports the package ${pkg}`;
  if (layer === 'app' && (IO_PACKAGES.has(pkg) || pkg.startsWith('@aws-sdk/')))
    return `${imp.from} (app) imports the I/O package ${pkg}`;
  if (layer === 'api' && (pkg === 'node:child_process' || pkg.startsWith('@aws-sdk/')))
    return `${imp.from} (api) imports ${pkg}: AWS and processes are reached through ports`;
  return undefined;
}

const modules = modulesUnder(FUNCTIONS);
const imports = modules.flatMap(importsOf);

describe('the layer rule (ARCHITECTURE.md)', () => {
  it('finds the modules and their imports', () => {
    expect(modules.length).toBeGreaterThan(100);
    expect(new Set(modules.map((m) => layerOf(relative(ROOT, m))))).toEqual(new Set(LAYERS));
    // The parser sees each kind of import: a type-only one, a value one, a package one.
    const ofRunStep = imports.filter((i) => i.from === 'functions/app/runStep.ts');
    expect(ofRunStep.some((i) => i.typeOnly && i.target === 'functions/ports/stepActions.ts')).toBe(true);
    expect(ofRunStep.some((i) => !i.typeOnly && i.target === 'functions/core/jobFlow.ts')).toBe(true);
    expect(imports.some((i) => i.from === 'functions/core/job.ts' && i.specifier === 'zod')).toBe(true);
  });

  it('each layer imports only what it may', () => {
    const found = imports
      .map((imp) => ({ key: `${imp.from} → ${imp.specifier}`, problem: violation(imp) }))
      .filter((v) => v.problem !== undefined && !ALLOWED_EXCEPTIONS.has(v.key))
      .map((v) => v.problem);
    expect(found).toEqual([]);
  });

  it('the exceptions listed are still needed', () => {
    const stillImported = new Set(imports.map((imp) => `${imp.from} → ${imp.specifier}`));
    expect([...ALLOWED_EXCEPTIONS.keys()].filter((key) => !stillImported.has(key))).toEqual([]);
  });

  it('tells a violation when it sees one', () => {
    const at = (from: string, specifier: string, typeOnly = false): Import => ({
      from,
      specifier,
      target: specifier.startsWith('.')
        ? relative(ROOT, resolve(dirname(join(ROOT, from)), specifier))
        : undefined,
      typeOnly,
    });
    expect(violation(at('functions/core/x.ts', 'node:fs'))).toContain('core');
    expect(violation(at('functions/core/x.ts', '@aws-sdk/client-sfn'))).toContain('core');
    expect(violation(at('functions/core/x.ts', '../ports/store.ts'))).toContain('(ports)');
    expect(violation(at('functions/ports/x.ts', '../app/services.ts'))).toContain('(app)');
    expect(violation(at('functions/app/x.ts', '../runners/http.ts', true))).toContain('(runners)');
    expect(violation(at('functions/app/x.ts', '../adapters/local/localBus.ts'))).toContain('(adapters)');
    expect(violation(at('functions/app/x.ts', 'node:child_process'))).toContain('I/O');
    expect(violation(at('functions/api/x.ts', '../handlers/api.ts'))).toContain('(handlers)');
    expect(violation(at('functions/adapters/local/x.ts', '../../api/app.ts'))).toContain('(api)');
    expect(violation(at('functions/handlers/x.ts', '../../infra/local/stores.ts'))).toContain('outside');
    expect(violation(at('functions/core/x.ts', 'ajv/dist/2020.js'))).toBeUndefined();
    expect(violation(at('functions/app/x.ts', '../core/job.ts'))).toBeUndefined();
    expect(violation(at('functions/handlers/x.ts', '../adapters/aws/cloudServices.ts'))).toBeUndefined();
  });
});

/** A module that declares only types has nothing to run: it needs no test of its own. */
function declaresOnlyTypes(file: string): boolean {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  return source.statements.every(
    (statement) =>
      ts.isImportDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      (ts.isExportDeclaration(statement) && statement.isTypeOnly),
  );
}

/**
 * Modules no test imports yet (issue 15: "each module under functions/ is imported by at least one
 * unit test"). They are exercised through the stack by the e2e tests, but no test names them; remove
 * an entry when a test imports the module (the test below fails on a stale entry).
 */
const NOT_YET_IMPORTED_BY_A_TEST = new Set<string>([
  'functions/adapters/aws/documentClient.ts',
  'functions/adapters/aws/dynamoArchive.ts',
  'functions/adapters/aws/dynamoRunCreation.ts',
  'functions/adapters/aws/tableLayout.ts',
  'functions/adapters/continuationToken.ts',
  'functions/adapters/local/artifactDirectory.ts',
  'functions/adapters/local/handlerDirectory.ts',
  'functions/adapters/local/localInvoker.ts',
  'functions/adapters/local/localTriggerSync.ts',
  'functions/adapters/local/outboxDelivery.ts',
  'functions/adapters/local/runChangeNotifier.ts',
  'functions/adapters/local/sqlite/documents.ts',
  'functions/adapters/local/sqlite/sqliteArchive.ts',
  'functions/adapters/local/sqlite/sqliteClientStore.ts',
  'functions/adapters/local/sqlite/sqliteEventOutbox.ts',
  'functions/adapters/local/sqlite/sqliteExpirySweeper.ts',
  'functions/adapters/local/ttlSweeper.ts',
  'functions/api/auth/authorizer.ts',
  'functions/api/auth/awsEndpointGuard.ts',
  'functions/api/auth/sigv4Scheme.ts',
  'functions/api/authorization.ts',
  'functions/api/errors.ts',
  'functions/api/pagination.ts',
  'functions/api/params.ts',
  'functions/api/routes/artifacts.ts',
  'functions/api/routes/clients.ts',
  'functions/api/routes/events.ts',
  'functions/api/routes/hookConfig.ts',
  'functions/api/routes/hookTypes.ts',
  'functions/api/routes/hooks.ts',
  'functions/api/routes/reconcile.ts',
  'functions/api/routes/render.ts',
  'functions/api/routes/runEvents.ts',
  'functions/api/routes/runs.ts',
  'functions/api/routes/schedulePreview.ts',
  'functions/api/routes/signingSecret.ts',
  'functions/api/routes/triggers.ts',
  'functions/app/checkHook.ts',
  'functions/app/controlRuns.ts',
  'functions/app/finishRun.ts',
  'functions/app/hookConfig.ts',
  'functions/app/hookTypes.ts',
  'functions/app/lifecycleEvents.ts',
  'functions/app/matchEvent.ts',
  'functions/app/recentRuns.ts',
  'functions/app/runArtifacts.ts',
  'functions/app/runCommandsRight.ts',
  'functions/app/runEvents.ts',
  'functions/app/stepArtifacts.ts',
  'functions/app/triggerWithToken.ts',
  'functions/core/eventPattern/ipAddress.ts',
  'functions/core/eventPattern/jsonValues.ts',
  'functions/core/eventPattern/operators.ts',
  'functions/core/eventPattern/stringMatchers.ts',
  'functions/core/notificationSummary.ts',
  'functions/core/sampleEvent.ts',
  'functions/core/schedule/cronMatcher.ts',
  'functions/core/templateErrors.ts',
  'functions/handlers/finish.ts',
  'functions/handlers/step.ts',
  'functions/runners/command.ts',
  'functions/runners/commandStep.ts',
  'functions/runners/event.ts',
  'functions/runners/http.ts',
  'functions/runners/lambda.ts',
  'functions/runners/processGroup.ts',
]);

describe('every module under functions/ is imported by a test', () => {
  const testModules = modulesUnder(join(ROOT, 'test'));
  const importedByTests = new Set(
    testModules.flatMap(importsOf).flatMap((imp) => (imp.target ? [imp.target] : [])),
  );
  const runnable = modules.map((m) => relative(ROOT, m)).filter((m) => !declaresOnlyTypes(join(ROOT, m)));

  it('no module is left without a test, beyond the list', () => {
    expect(runnable.filter((m) => !importedByTests.has(m) && !NOT_YET_IMPORTED_BY_A_TEST.has(m))).toEqual([]);
  });

  it('the list holds no module a test imports now, nor one that is gone', () => {
    const existing = new Set(runnable);
    expect([...NOT_YET_IMPORTED_BY_A_TEST].filter((m) => importedByTests.has(m) || !existing.has(m))).toEqual(
      [],
    );
  });
});
