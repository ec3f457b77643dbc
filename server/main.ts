#!/usr/bin/env node
// The bin's first module, kept tiny: it turns on Node's on-disk compile cache before the server's modules load; V8
// then reuses their compiled code on the next start instead of compiling them again (a stdio server is started by
// the desktop client on demand, so its start-up is felt; an HTTP one restarts with every rollout). The cache lives
// in NODE_COMPILE_CACHE if set, else in Node's default place (the OS temp dir); NODE_DISABLE_COMPILE_CACHE=1 turns it
// off. The image sets NODE_COMPILE_CACHE to a cache made when it was built (.ci/build/bake-compile-cache.ts), which
// the container only reads: nothing is written to a pod's /tmp, where it would cost memory the pod's limit counts.
// It also sets V8's heap growing factor and, in a small heap, Maglev's inlining first (startup/heap-growth.ts,
// startup/maglev-inlining.ts), and has zod load English alone of its locales (startup/zod-english-only.ts).
import module from 'node:module';
import { heapGrowthFlag } from './startup/heap-growth.ts';
import { maglevInliningFlag } from './startup/maglev-inlining.ts';
import { applyV8Flag } from './startup/v8-flag.ts';
import { registerZodEnglishOnly } from './startup/zod-english-only.ts';

applyV8Flag(heapGrowthFlag);
applyV8Flag(maglevInliningFlag);
registerZodEnglishOnly();
module.enableCompileCache?.();
await import('./cli.ts');
