#!/usr/bin/env node
/**
 * The package's bin (bundled by scripts/bundle-cli.ts into build/cli/cozystack-cdk8s.cjs): runs
 * the command line bundled into one file (build/cli/bundle.cjs) with the V8 code cache that
 * `npm run build` made for it. The cache holds the compiled code of a first run, so a run does not
 * parse the 1.7 MB bundle nor compile its functions again (about 40 ms of a 0.15 s start-up). V8
 * checks the cache against the source and its own version and flags; a cache it rejects (another
 * Node.js) or a missing one only means compiling as usual.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

const dir = import.meta.dirname;
const file = join(dir, 'bundle.cjs');
const cacheFile = `${file}.cache`;
// The bundle as a CommonJS module function (its `#!` line blanked: not JavaScript inside a function).
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8').replace(/^#!.*/, '')}\n})`;
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
// `npm run build` runs the command line once with this set, to write the cache.
if (process.env.COZYSTACK_CDK8S_WRITE_CODE_CACHE === '1') process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
const mod = { exports: {} };
wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dir);
