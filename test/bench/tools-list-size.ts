// Prints the compact JSON size of each tools/list entry and the total (npm run tools:size), beside the sizes
// measured at earlier commits (tools-list-baseline.json) and the change against the latest of them.
import { readFileSync } from 'node:fs';
import { measureToolsList } from '../support/tools-list-size.ts';

interface Baseline {
  label: string;
  commit: string;
  total: number;
  tools: Record<string, number>;
}

const { baselines } = JSON.parse(
  readFileSync(new URL('./tools-list-baseline.json', import.meta.url), 'utf8'),
) as {
  baselines: Baseline[];
};
const latest = baselines.at(-1);
const size = await measureToolsList();

const cell = (value: number | undefined) => (value === undefined ? '-' : String(value)).padStart(9);
const change = (now: number, before: number | undefined) =>
  before === undefined ? '      new' : `${now - before >= 0 ? '+' : ''}${now - before}`.padStart(9);
const header = baselines.map((b) => `${b.label}@${b.commit.slice(0, 7)}`.padStart(21)).join('');
console.log(`${'tool'.padEnd(24)}${header}${'now'.padStart(9)}${'change'.padStart(9)}`);
for (const t of size.tools) {
  const before = baselines.map((b) => cell(b.tools[t.name]).padStart(21)).join('');
  console.log(`${t.name.padEnd(24)}${before}${cell(t.bytes)}${change(t.bytes, latest?.tools[t.name])}`);
}
const totals = baselines.map((b) => cell(b.total).padStart(21)).join('');
console.log(
  `${'tools/list total'.padEnd(24)}${totals}${cell(size.total)}${change(size.total, latest?.total)}`,
);
console.log(
  `now: ${size.total} B (${(size.total / 1024).toFixed(1)} KiB, ${size.tools.length} tools); ` +
    baselines.map((b) => `${b.label}@${b.commit.slice(0, 7)}: ${b.total} B`).join(', '),
);
