#!/usr/bin/env node
import { run } from './run.js';

export { run };

const result = run(process.argv.slice(2));
process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
process.exitCode = result.code;
