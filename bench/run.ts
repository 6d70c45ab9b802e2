/**
 * `npm run bench`: synthesizes the scale scenarios of issue 6 through the command line and
 * prints wall time, peak memory, output size, the serialization floor and the targets.
 * See docs/benchmark.md.
 */
import { writeFileSync } from 'node:fs';
import { formatResult, parseBenchArgs, runBench, USAGE } from './bench.js';
import { selectScenarios } from './scenarios.js';

function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let scenarios;
  try {
    scenarios = selectScenarios(args.selection, args.sizes);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const result = runBench({ ...args.options, scenarios, log: (l) => process.stderr.write(`[bench] ${l}\n`) });
  process.stdout.write(`${formatResult(result)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  return result.failures.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
