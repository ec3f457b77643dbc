// Our MCP Apps metadata against the extension's own package: the MIME type, and the tool `_meta` exactly as
// ext-apps' registerAppTool would register it. Also the views' HTML: self-contained and small.
import { RESOURCE_MIME_TYPE, registerAppTool } from '@modelcontextprotocol/ext-apps/server';
import { describe, expect, it } from 'vitest';
import {
  APP_MIME_TYPE,
  APP_OF_TOOL,
  appToolMeta,
  NOW_PLAYING_URI,
  POSTER_GRID_URI,
} from '../../../../server/apps/app-meta.ts';
import { viewHtml } from '../../../../server/apps/app-resources.ts';
import { TOOLS } from '../../../../server/tools/registry.ts';

describe('app metadata', () => {
  it('uses the extension MIME type', () => {
    expect(APP_MIME_TYPE).toBe(RESOURCE_MIME_TYPE);
  });

  it('declares each view the way registerAppTool normalises it', () => {
    for (const uri of [POSTER_GRID_URI, NOW_PLAYING_URI]) {
      let registered: Record<string, unknown> | undefined;
      const fakeServer = {
        registerTool: (_name: string, config: { _meta?: Record<string, unknown> }) => {
          registered = config._meta;
          return undefined as never;
        },
      };
      registerAppTool(fakeServer, 'x', { _meta: { ui: { resourceUri: uri } } }, async () => ({
        content: [],
      }));
      expect(appToolMeta(uri)).toEqual(registered);
    }
  });

  it('gives the grid to the list tools and the card to get_playback_status, and nothing to the others', () => {
    const metaOf = (name: string) => TOOLS.find((t) => t.name === name)?.meta;
    for (const name of ['search_media', 'get_recently_added', 'get_on_deck', 'browse_library']) {
      expect(metaOf(name), name).toEqual(appToolMeta(POSTER_GRID_URI));
    }
    expect(metaOf('get_playback_status')).toEqual(appToolMeta(NOW_PLAYING_URI));
    for (const tool of TOOLS.filter((t) => !APP_OF_TOOL[t.name]))
      expect(tool.meta, tool.name).toBeUndefined();
  });
});

describe('view HTML', () => {
  for (const uri of [POSTER_GRID_URI, NOW_PLAYING_URI]) {
    it(`${uri} is one small document that loads nothing from anywhere`, () => {
      const html = viewHtml(uri);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html.length).toBeLessThan(24 * 1024);
      expect(html).not.toMatch(/\b(src|href)=/);
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/^\s*(import|export)\s/m);
      expect(html).toContain("request('ui/initialize'");
      expect(viewHtml(uri)).toBe(html);
    });
  }
});
