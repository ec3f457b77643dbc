// zod without its other locales (server/startup/zod-english-only.ts): with the hook, zod and the MCP SDK's zod/v4
// validate and word their errors in English as before, and no locale but English is loaded. Run in a child
// process: hooks are per process and apply only to modules resolved after they are registered.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const HOOK = pathToFileURL(
  path.join(import.meta.dirname, '../../../../server/startup/zod-english-only.ts'),
).href;

function runChild(englishOnly: boolean): { resolved: string[]; message: string; locales: string[] } {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    if (${englishOnly}) (await import(${JSON.stringify(HOOK)})).registerZodEnglishOnly();
    // Registered last, so it runs first and sees what every resolution ends with.
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
    const { z } = await import('zod');
    await import('@modelcontextprotocol/server');
    const v4 = await import('zod/v4');
    const failed = z.object({ title: z.string() }).safeParse({ title: 1 });
    const again = v4.z.number().safeParse('x');
    process.stdout.write(JSON.stringify({
      resolved,
      message: failed.error.issues[0].message + ' | ' + again.error.issues[0].message,
      locales: Object.keys(z.locales),
    }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: path.join(import.meta.dirname, '../../../..'),
  });
  return JSON.parse(out);
}

const OTHER_LOCALE = /\/zod\/v4\/locales\/(?!en\.js$)[\w-]+\.js$/;
const ENGLISH =
  'Invalid input: expected string, received number | Invalid input: expected number, received string';

describe('zod, English only', () => {
  it('validates and words errors in English without loading any other locale', () => {
    const lean = runChild(true);
    expect(lean.message).toBe(ENGLISH);
    expect(lean.locales).toEqual(['en']);
    expect(lean.resolved.some((url) => url.endsWith('/zod/v4/locales/en.js'))).toBe(true);
    expect(lean.resolved.filter((url) => OTHER_LOCALE.test(url))).toEqual([]);
  });

  it('is what makes the difference: without the hook the same imports load every locale', () => {
    const whole = runChild(false);
    expect(whole.message).toBe(ENGLISH);
    expect(whole.resolved.filter((url) => OTHER_LOCALE.test(url)).length).toBeGreaterThan(50);
    expect(whole.locales.length).toBeGreaterThan(50);
  });
});
