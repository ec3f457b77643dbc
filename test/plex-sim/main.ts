// CLI: `npm run plex-sim -- --port <p> --token <t> [--items N] [--seed S] [--host H]`.
// Runs the simulator until SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_ITEMS, DEFAULT_SEED } from './catalog.ts';
import { startPlexSimulator } from './simulator.ts';

const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(32_400),
  host: z.string().min(1).default('127.0.0.1'),
  token: z.string().min(1, '--token is required'),
  items: z.coerce.number().int().min(8).max(1_000_000).default(DEFAULT_ITEMS),
  seed: z.coerce.number().int().default(DEFAULT_SEED),
});

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    items: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  console.log('usage: npm run plex-sim -- --port <p> --token <t> [--items N] [--seed S] [--host H]');
  process.exit(0);
}

const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) {
  for (const issue of parsed.error.issues)
    console.error(`plex-sim: --${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}

const args = parsed.data;
const started = performance.now();
const sim = await startPlexSimulator(args);
const c = sim.catalog;
console.log(`Plex simulator listening on ${sim.url} (machineIdentifier ${sim.machineIdentifier})`);
console.log(
  `  catalog: seed ${c.seed}, ${c.movies.length} movies, ${c.shows.length} shows / ${c.episodes.length} episodes, ` +
    `${c.artists.length} artists / ${c.tracks.length} tracks, ${c.photos.length} photos; ready in ${Math.round(performance.now() - started)} ms`,
);
// Only a hint of the token: it is a secret even in a test tool's output.
console.log(`  token: the one given with --token (${args.token.length} characters)`);
console.log(
  `  try: curl -H 'Accept: application/json' -H 'X-Plex-Token: <token>' ${sim.url}/library/sections`,
);

const shutdown = async () => {
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
