// The operator loads less of @kubernetes/client-node (operator/runtime/client-node-lean/register.ts): with the hook,
// its KubeConfig, Watch and ListWatch work, and neither the generated index nor the model serializer is loaded. Run
// in a child process: hooks are per process and apply only to modules resolved after they are registered.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUNTIME = path.join(import.meta.dirname, '../../../../operator/runtime');

function runChild(lean: boolean): { resolved: string[]; authorization: string; selector: unknown } {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    if (${lean}) (await import(${JSON.stringify(pathToFileURL(path.join(RUNTIME, 'client-node-lean/register.ts')).href)})).registerLeanClientNode();
    // Registered last, so it runs first and sees what every resolution ends with.
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
    const { KubeConfig, ListWatch, Watch, HttpMethod, RequestContext } = await import(${JSON.stringify(pathToFileURL(path.join(RUNTIME, 'client-node.ts')).href)});
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: true }],
      users: [{ name: 'u', token: 'token-1' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const context = new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
    await kc.applySecurityAuthentication(context);
    // ListWatch serializes its label selector through the (stand-in) serializer when it starts a watch.
    let selector;
    const watch = { watch: async (_path, query) => { selector = query.labelSelector; return { abort() {} }; } };
    const lw = new ListWatch('/api/v1/secrets', watch, async () => ({ items: [], metadata: { resourceVersion: '1' } }), false, 'a=b');
    await lw.start();
    await lw.stop();
    if (typeof Watch !== 'function') throw new Error('no Watch');
    process.stdout.write(JSON.stringify({ resolved, authorization: context.getHeaders().Authorization, selector }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out);
}

const GENERATED =
  /\/@kubernetes\/client-node\/dist\/gen\/(index\.js|apis\/|models\/all\.js|models\/ObjectSerializer\.js)/;

describe('the lean client-node import', () => {
  it('authenticates and watches without loading the generated index or the model serializer', () => {
    const lean = runChild(true);
    expect(lean.authorization).toBe('Bearer token-1');
    expect(lean.selector).toBe('a=b');
    expect(lean.resolved.some((url) => url.endsWith('/@kubernetes/client-node/dist/config.js'))).toBe(true);
    expect(lean.resolved.filter((url) => GENERATED.test(url))).toEqual([]);
  });

  it('is what makes the difference: without the hook the same imports load them', () => {
    const whole = runChild(false);
    expect(whole.authorization).toBe('Bearer token-1');
    expect(whole.resolved.filter((url) => GENERATED.test(url)).length).toBeGreaterThan(100);
  });
});
