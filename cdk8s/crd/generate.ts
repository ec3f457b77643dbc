// `npm run crds`: writes the PlexMcpServer CRD to crds/ from the zod source of truth.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_FILE, renderCrdYaml } from './render-crd.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const target = resolve(repoRoot, CRD_FILE);
writeFileSync(target, renderCrdYaml());
console.log(`wrote ${CRD_FILE}`);
