#!/usr/bin/env node
// The bin's first module, kept tiny: for a stdio server (started by a desktop client on demand, so its start-up is
// felt) it turns on Node's on-disk compile cache before the server's ~240 modules load; V8 then reuses their
// compiled code on the next start instead of compiling it again. The cache lives in Node's default place (the OS
// temp dir; NODE_COMPILE_CACHE moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it off). Not for HTTP: a container
// starts with an empty tmpfs /tmp, where the cache would only cost memory the pod's limit counts.
// It also sets V8's heap growing factor first (startup/heap-growth.ts), and has zod load English alone of its
// locales (startup/zod-english-only.ts).
import module from 'node:module';
import { applyHeapGrowth } from './startup/heap-growth.ts';
import { registerZodEnglishOnly } from './startup/zod-english-only.ts';

applyHeapGrowth();
registerZodEnglishOnly();
if (process.argv.includes('--stdio')) module.enableCompileCache?.();
await import('./cli.ts');
