import { existsSync, readFileSync } from 'node:fs';

/**
 * One view as a single self-contained HTML document: views.css inlined in a <style>, bridge.js and the view's
 * script inlined in one <script type="module">. Sources are plain browser JavaScript in ./views/ (no framework,
 * no bundler, no CDN); the only "bundling" is this concatenation, so the convention is strict: a view's only import
 * is from './bridge.js', and bridge.js only exports. `npm run build` copies ./views/ to dist/server/apps/views/.
 */

/**
 * ./views/ next to this module, from source (server/apps/) and tsc's build (dist/server/apps/); ./apps/views/ from
 * the bundle, whose chunks are all in dist/server/ (.ci/build/server-bundle.ts).
 */
function viewsDir(): URL {
  const candidates = ['./views/', './apps/views/'].map((relative) => new URL(relative, import.meta.url));
  return candidates.find((dir) => existsSync(new URL('views.css', dir))) ?? (candidates[0] as URL);
}

let views: URL | undefined;
function read(file: string): string {
  views ??= viewsDir();
  return readFileSync(new URL(file, views), 'utf8');
}

export function assembleViewHtml(title: string, script: string): string {
  const bridge = read('bridge.js').replace(/^export /gm, '');
  const view = read(script).replace(/^import \{[^}]*\} from '\.\/bridge\.js';\n/m, '');
  const js = `${bridge}\n${view}`;
  if (/^\s*(import|export)\s/m.test(js)) throw new Error(`${script}: only one import, from './bridge.js'`);
  if (/<\/(script|style)/i.test(js + read('views.css')))
    throw new Error(`${script}: a closing tag in inline code`);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${read('views.css')}</style>`,
    '</head><body><main id="app" aria-live="polite"></main>',
    `<script type="module">${js}</script>`,
    '</body></html>',
  ].join('\n');
}
