// Stands in for zod's locales/index.js where zod's own entry modules import it (see zod-english-only.ts): the
// `locales` namespace then holds English alone, the one locale zod configures by default and the only one the
// server's messages use.
export { default as en } from 'zod/v4/locales/en.js';
