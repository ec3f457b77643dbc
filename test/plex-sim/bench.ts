// Benchmark of the simulator itself (`npm run bench:plex-sim [-- --items 5000 --requests 300]`):
// catalog generation and start-up time per size, and per-endpoint latency over keep-alive HTTP, so the
// simulator is never mistaken for the bottleneck when the server is benchmarked against it.

import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { generateCatalog } from './catalog.ts';
import { startPlexSimulator } from './simulator.ts';

const { values } = parseArgs({
  options: { items: { type: 'string', default: '5000' }, requests: { type: 'string', default: '300' } },
});
const ITEMS = Number(values.items);
const REQUESTS = Number(values.requests);
const TOKEN = 'bench-token-0123456789abcdef';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms  p95 ${percentile(sorted, 95).toFixed(2)} ms  mean ${mean.toFixed(2)} ms`;
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('\ncatalog generation (5 runs each, after 1 warm-up):');
for (const items of [200, 1000, 5000, 20000]) {
  generateCatalog({ items });
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    generateCatalog({ items });
    samples.push(performance.now() - started);
  }
  console.log(`  items=${String(items).padEnd(6)} ${summary(samples)}`);
}

const startedAt = performance.now();
const heapBefore = process.memoryUsage().heapUsed;
const sim = await startPlexSimulator({ token: TOKEN, items: ITEMS });
console.log(
  `\nstartPlexSimulator(items=${ITEMS}) until listening: ${(performance.now() - startedAt).toFixed(0)} ms, ` +
    `heap +${((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(1)} MiB`,
);

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      `${sim.url}${path}`,
      { agent, headers: { Accept: 'application/json', 'X-Plex-Token': TOKEN } },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const movie = sim.catalog.movies[0];
const word = movie?.title.split(' ').at(-1) ?? 'the';
const endpoints = [
  '/identity',
  '/library/sections',
  `/hubs/search?query=${encodeURIComponent(word)}&limit=10`,
  '/library/sections/1/all?sort=addedAt:desc&X-Plex-Container-Start=0&X-Plex-Container-Size=50',
  `/library/metadata/${movie?.ratingKey}?includeChapters=1&includeMarkers=1`,
  '/library/recentlyAdded?X-Plex-Container-Size=50',
  '/library/onDeck',
  '/status/sessions',
];
console.log(`\nsequential keep-alive requests, ${REQUESTS} per endpoint (after 20 warm-up), items=${ITEMS}:`);
for (const path of endpoints) {
  for (let i = 0; i < 20; i++) await get(path);
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push(await get(path));
  console.log(`  ${path.split('?')[0]?.padEnd(36)} ${summary(samples)}`);
}
agent.destroy();
await sim.close();
