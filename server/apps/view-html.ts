import { readFileSync } from 'node:fs';

/**
 * One view as a single self-contained HTML document: views.css inlined in a <style>, bridge.js and the view's
 * script inlined in one <script type="module">. Sources are plain browser JavaScript in ./views/ (no framework,
 * no bundler, no CDN); the only "bundling" is this concatenation, so the convention is strict: a view's only import
 * is from './bridge.js', and bridge.js only exports. `npm run build` copies ./views/ next to the compiled module.
 */
const VIEWS_DIR = new URL('./views/', import.meta.url);

const read = (file: string) => readFileSync(new URL(file, VIEWS_DIR), 'utf8');

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
