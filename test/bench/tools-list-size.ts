// Prints the compact JSON size of each tools/list entry and the total (npm run tools:size).
import { measureToolsList } from '../support/tools-list-size.ts';

const size = await measureToolsList();
for (const t of size.tools) console.log(`${t.name.padEnd(24)} ${String(t.bytes).padStart(6)} B`);
console.log(
  `${'tools/list total'.padEnd(24)} ${String(size.total).padStart(6)} B (${(size.total / 1024).toFixed(1)} KiB, ${size.tools.length} tools)`,
);
