// The public settings of the library, read from the sources (not from the code under test): every
// prop of the Platform's props interfaces (TypeScript compiler API), every field of the Platform
// document (its JSON Schema) and every command-line option (the option table of the parser).
// Declarations are found by name anywhere under SOURCES.lib, so moving files inside lib/ needs
// no change here; only SOURCES does, if lib/ itself or the schema moves.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const REPO = resolve(import.meta.dirname, '..', '..');

/** Where the settings are declared. The one place to update when the sources move. */
export const SOURCES = {
  /** Folder searched (recursively) for the declarations below. */
  lib: join(REPO, 'lib'),
  /** The props of `new Platform(...)`, extending PlatformSettings. */
  platformProps: 'PlatformProps',
  /** The props of GitOpsBootstrap (also `spec.gitops` and the --git-* flags). */
  gitOpsProps: 'GitOpsProps',
  /** The documented input limits of readYamlInputs. */
  inputLimits: 'InputLimits',
  /** The command line's option parser, and its option table in the same file: `const OPTIONS = { name: {...}, ... }`. */
  cliParser: 'parseOptions',
  cliOptions: 'OPTIONS',
  /** The JSON Schema of the Platform document the validator runs. */
  platformSchema: join(REPO, 'schemas', 'platform.schema.json'),
} as const;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

let program: ts.Program | undefined;
function getProgram(): ts.Program {
  program ??= ts.createProgram(tsFiles(SOURCES.lib), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true });
  return program;
}

/** The exported declaration of `name` (interface, type or const) under SOURCES.lib. */
function findDeclaration<T extends ts.Node>(name: string, is: (n: ts.Node) => n is T, inFile?: string): T {
  const found: T[] = [];
  for (const sf of getProgram().getSourceFiles()) {
    if (!sf.fileName.startsWith(SOURCES.lib) || (inFile && sf.fileName !== inFile)) continue;
    const visit = (n: ts.Node): void => {
      if (is(n) && (n as unknown as { name?: ts.Identifier }).name?.text === name) found.push(n);
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  if (found.length !== 1) throw new Error(`expected one declaration of ${name} under ${SOURCES.lib}, found ${found.length}`);
  return found[0]!;
}

/** One prop: its dot path, its type as text, its JSDoc @default (if any), whether it is optional. */
export interface PropInfo {
  readonly path: string;
  readonly type: ts.Type;
  readonly typeText: string;
  readonly optional: boolean;
  readonly default?: string;
}

/** Whether a prop's type is a settings object to walk into (an interface or literal of props, not a class, list or map). */
function isSettingsObject(checker: ts.TypeChecker, t: ts.Type): boolean {
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  if (checker.isArrayType(t) || checker.isTupleType(t)) return false;
  if (checker.getIndexInfosOfType(t).length) return false;
  const props = t.getProperties();
  if (!props.length) return false;
  return props.every((p) => (p.declarations ?? []).every((d) => ts.isPropertySignature(d)));
}

/**
 * Props not walked into: `platformValues` are the upstream platform chart's own values, checked at
 * synth against the chart of the pinned release (lib/model/platform-chart.ts), not a fixed schema.
 */
export const OPAQUE_PROPS: readonly string[] = ['platformValues'];

/** Every leaf prop of an interface, walking into nested settings objects (`oidc.enabled`, `source.ref.tag`). */
export function propsOf(interfaceName: string): PropInfo[] {
  const checker = getProgram().getTypeChecker();
  const decl = findDeclaration(interfaceName, ts.isInterfaceDeclaration);
  const out: PropInfo[] = [];
  const walk = (t: ts.Type, prefix: string, depth: number): void => {
    for (const sym of checker.getPropertiesOfType(t)) {
      const d = sym.declarations?.[0];
      if (!d) continue;
      const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(sym, d));
      const path = `${prefix}${sym.name}`;
      if (depth < 4 && !OPAQUE_PROPS.includes(path) && isSettingsObject(checker, type)) {
        walk(type, `${path}.`, depth + 1);
        continue;
      }
      const tag = ts.getJSDocTags(d).find((x) => x.tagName.text === 'default');
      const comment = tag ? ts.getTextOfJSDocComment(tag.comment)?.trim() : undefined;
      out.push({ path, type, typeText: checker.typeToString(type), optional: (sym.flags & ts.SymbolFlags.Optional) !== 0, ...(comment !== undefined ? { default: comment } : {}) });
    }
  };
  walk(checker.getTypeAtLocation(decl.name), '', 0);
  return out;
}

/** The type checker of the program propsOf reads (for tests that inspect PropInfo.type). */
export function checker(): ts.TypeChecker {
  return getProgram().getTypeChecker();
}

/** The long option names of the command line (`--<name>`), from the parser's option table. */
export function cliOptions(): string[] {
  const parser = findDeclaration(SOURCES.cliParser, ts.isFunctionDeclaration);
  const decl = findDeclaration(SOURCES.cliOptions, ts.isVariableDeclaration, parser.getSourceFile().fileName);
  let init = decl.initializer;
  while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
  if (!init || !ts.isObjectLiteralExpression(init)) throw new Error(`${SOURCES.cliOptions} is not an object literal`);
  return init.properties.map((p) => {
    const n = p.name;
    if (!n || !(ts.isIdentifier(n) || ts.isStringLiteral(n))) throw new Error(`unexpected option key in ${SOURCES.cliOptions}`);
    return n.text;
  });
}

export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  [k: string]: unknown;
}

export const PLATFORM_SCHEMA_FILE = JSON.parse(readFileSync(SOURCES.platformSchema, 'utf8')) as SchemaNode;

/** Every field of the Platform document that is not an object of fields: `apiVersion`, `spec.oidc.enabled`, ... */
export function documentFields(schema: SchemaNode = PLATFORM_SCHEMA_FILE): { path: string; node: SchemaNode }[] {
  const out: { path: string; node: SchemaNode }[] = [];
  const walk = (n: SchemaNode, prefix: string): void => {
    for (const [k, v] of Object.entries(n.properties ?? {})) {
      const path = `${prefix}${k}`;
      if (v.properties && Object.keys(v.properties).length) walk(v, `${path}.`);
      else out.push({ path, node: v });
    }
  };
  walk(schema, '');
  return out;
}

/** The schema node of a document path (`spec.oidc`), undefined when there is none. */
export function schemaAt(path: string, schema: SchemaNode = PLATFORM_SCHEMA_FILE): SchemaNode | undefined {
  let n: SchemaNode | undefined = schema;
  for (const part of path.split('.')) n = n?.properties?.[part];
  return n;
}
