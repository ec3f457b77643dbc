/**
 * `npm run bench:cluster [-- --runs N]`: how long the test control plane takes to become ready (all five components
 * up, nodes Ready, controllers running) and to stop, over N cold starts in fresh temp dirs. Needs build.sh's binaries.
 * Numbers depend on the machine's load; run it on an otherwise idle machine for comparable results.
 */
import { parseArgs } from 'node:util';
import { startControlPlane } from './control-plane.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const ready: number[] = [];
const stop: number[] = [];
for (let i = 0; i < runs; i++) {
  const plane = await startControlPlane({ nodes: 2 });
  ready.push(plane.readyInMs);
  const t = performance.now();
  await plane.stop();
  const stopMs = performance.now() - t;
  stop.push(stopMs);
  console.log(
    `run ${i + 1}: ready ${(plane.readyInMs / 1000).toFixed(1)} s, stop ${(stopMs / 1000).toFixed(1)} s`,
  );
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] ?? 0;
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `time to ready over ${runs} runs: median ${fmt(median(ready))}, min ${fmt(Math.min(...ready))}, ` +
    `max ${fmt(Math.max(...ready))}; stop: median ${fmt(median(stop))}, max ${fmt(Math.max(...stop))}`,
);
