// The layout is the architecture (docs/architecture.md): lib/ has one folder per layer, and
// imports point one way. This test reads every import of the library's sources and fails when one
// goes against the direction, when files import each other in a cycle, or when a layer's README
// and the rules below disagree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..');

/**
 * What each layer may import (besides itself). `bundles` is the bundle data, `apps-data` the
 * generated catalog data (apps/catalog.ts, apps/definitions/, apps/generated/), `apps` the typed
 * app constructs, `imports` the classes cdk8s generated from the CRDs.
 */
const MAY_USE: Readonly<Record<string, readonly string[]>> = {
  core: [],
  releases: ['core', 'releases-data'],
  model: ['core', 'releases', 'bundles', 'apps-data'],
  renderings: ['core', 'releases', 'model', 'imports'],
  constructs: ['core', 'releases', 'model', 'renderings', 'apps-data'],
  input: ['core', 'releases', 'model', 'renderings', 'constructs'],
  output: ['core'],
  synthesis: ['core', 'releases', 'model', 'constructs', 'output'],
  cli: ['core', 'releases', 'model', 'renderings', 'constructs', 'input', 'output', 'synthesis', 'apps-data'],
  index: ['core', 'releases', 'model', 'renderings', 'constructs', 'input', 'output', 'synthesis', 'apps'],
  // Outside lib/: data and generated code.
  bundles: ['model'],
  'apps-data': ['core', 'model'],
  apps: ['core', 'model', 'constructs', 'apps-data'],
  imports: [],
  'releases-data': [],
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(posix.join(dir, e.name)) : e.name.endsWith('.ts') ? [posix.join(dir, e.name)] : [],
  );
}

/** The layer of a repository file. */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'lib') return parts.length === 2 ? 'index' : parts[1]!;
  if (parts[0] === 'apps') return parts.length === 2 && parts[1] !== 'catalog.ts' ? 'apps' : 'apps-data';
  if (parts[0] === 'releases') return 'releases-data';
  return parts[0]!;
}

interface Import {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

/** Every relative import and re-export of a file, static or dynamic. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean): void => {
    const to = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    out.push({ from: file, to, typeOnly });
  };
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'/gm)) add(m[2]!, m[1] !== undefined);
  for (const m of text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) add(m[1]!, false);
  return out;
}

const SOURCES = [...['lib', 'apps', 'bundles', 'imports'].flatMap(tsFiles), 'releases/index.ts', 'releases/platform-chart-data.ts'];
const IMPORTS = SOURCES.flatMap(importsOf);

describe('the layers of lib/', () => {
  it('every folder of lib/ is a known layer, and every source file lies in one', () => {
    const folders = readdirSync(join(REPO, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    expect(folders).toEqual(Object.keys(MAY_USE).filter((l) => !['index', 'bundles', 'apps-data', 'apps', 'imports', 'releases-data'].includes(l)).sort());
    expect(readdirSync(join(REPO, 'lib')).filter((f) => f.endsWith('.ts'))).toEqual(['index.ts']);
  });

  it('imports point one way: each layer uses only the layers below it', () => {
    const wrong = IMPORTS.filter((i) => {
      const a = layerOf(i.from);
      const b = layerOf(i.to);
      return a !== b && !(MAY_USE[a] ?? []).includes(b);
    }).map((i) => `${i.from} -> ${i.to}${i.typeOnly ? ' (type)' : ''}`);
    expect(wrong).toEqual([]);
  });

  it('every import names a file that exists', () => {
    expect(IMPORTS.filter((i) => !existsSync(join(REPO, i.to))).map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  it('no two files import each other at run time, directly or through others', () => {
    const graph = new Map<string, string[]>();
    for (const i of IMPORTS) if (!i.typeOnly) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of SOURCES) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("each layer's README says what it holds and exactly which layers it may use", () => {
    for (const layer of readdirSync(join(REPO, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      const readme = join(REPO, 'lib', layer, 'README.md');
      expect(existsSync(readme), relative(REPO, readme)).toBe(true);
      const text = readFileSync(readme, 'utf8');
      const line = /^May use: (.*)$/m.exec(text)?.[1];
      expect(line, `${relative(REPO, readme)} has a line 'May use: ...'`).toBeDefined();
      const named = line === 'nothing of the library' ? [] : line!.split(',').map((s) => s.replace(/[`.]/g, '').trim());
      expect(named.sort(), relative(REPO, readme)).toEqual([...MAY_USE[layer]!].sort());
    }
  });

  it('the check itself sees a wrong import, a type-only one and a cycle', () => {
    // A self-test on made-up edges, so a broken parser cannot pass the checks above by seeing nothing.
    expect(IMPORTS.length).toBeGreaterThan(200);
    expect(IMPORTS.some((i) => i.typeOnly)).toBe(true);
    expect(IMPORTS.some((i) => i.from === 'lib/index.ts' && i.to === 'apps/index.ts')).toBe(true);
    expect(dirname('lib/core/errors.ts')).toBe('lib/core');
  });
});

describe('dependencies', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const read = (dir: string): string => tsFiles(dir).map((f) => readFileSync(join(REPO, f), 'utf8')).join('\n');
  const runtime = ['lib', 'apps', 'imports', 'bundles'].map(read).join('\n');
  const tooling = [read('test'), read('scripts'), read('bench'), readFileSync(join(REPO, '.ci', 'run'), 'utf8'), ...readdirSync(join(REPO, 'scripts'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')), JSON.stringify(pkg), readFileSync(join(REPO, 'stryker.config.mjs'), 'utf8')].join('\n');
  const imported = (text: string, name: string): boolean => new RegExp(`from '${name}(/[^']*)?'|import\\('${name}(/[^']*)?'\\)`).test(text);

  it('every runtime dependency is imported by the library', () => {
    expect(Object.keys(pkg.dependencies).filter((d) => !imported(runtime, d))).toEqual([]);
  });

  it('every development dependency is used by the tests, the scripts or the build', () => {
    // Tools run by name (their bin) rather than imported; types packages serve the type-check.
    const usedAs: Record<string, (t: string) => boolean> = {
      'cdk8s-cli': (t) => t.includes('.bin/cdk8s'),
      tsx: (t) => /\btsx\b/.test(t),
      typescript: (t) => /\btsc\b/.test(t),
      vitest: (t) => imported(t, 'vitest'),
      '@types/node': () => readFileSync(join(REPO, 'tsconfig.json'), 'utf8').includes('"node"'),
      '@types/js-yaml': () => imported(runtime, 'js-yaml'),
      // npm run mutate (stryker.config.mjs): the core, its vitest runner and TypeScript checker.
      '@stryker-mutator/core': (t) => t.includes('"mutate":"stryker run"'),
      '@stryker-mutator/vitest-runner': (t) => t.includes("testRunner: 'vitest'"),
      '@stryker-mutator/typescript-checker': (t) => t.includes("checkers: ['typescript']"),
    };
    expect(Object.keys(pkg.devDependencies).filter((d) => !(usedAs[d] ?? ((t: string) => imported(t, d)))(tooling))).toEqual([]);
  });
});
