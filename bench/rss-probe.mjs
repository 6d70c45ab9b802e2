// Preloaded (node --import) by the benchmark when /usr/bin/time is missing: appends this process's
// peak RSS (KiB) and CPU seconds to $BENCH_RSS_FILE on exit.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    appendFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
