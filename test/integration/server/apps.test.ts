/**
 * MCP Apps over the wire (both protocol eras): tools/list declares the views, resources/list and resources/read
 * serve them as text/html;profile=mcp-app with their CSP, results name their tool, and a client that does not
 * speak Apps gets exactly the same result as one that does.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_MIME_TYPE, NOW_PLAYING_URI, POSTER_GRID_URI } from '../../../server/apps/app-meta.ts';
import { ERAS, type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe.each(ERAS)('MCP Apps (%s era)', (era) => {
  it('tools/list points the list tools at the grid and get_playback_status at the now-playing card', async () => {
    const client = await h.connect(era);
    const { tools } = await client.listTools();
    const uriOf = (name: string) =>
      (tools.find((t) => t.name === name)?._meta?.ui as { resourceUri?: string })?.resourceUri;
    for (const name of ['search_media', 'get_recently_added', 'get_on_deck', 'browse_library'])
      expect(uriOf(name), name).toBe(POSTER_GRID_URI);
    expect(uriOf('get_playback_status')).toBe(NOW_PLAYING_URI);
    expect(tools.find((t) => t.name === 'get_playback_status')?._meta?.['ui/resourceUri']).toBe(
      NOW_PLAYING_URI,
    );
    for (const name of ['get_media_details', 'list_libraries', 'control_playback', 'get_plex_status']) {
      expect(uriOf(name), name).toBeUndefined();
    }
  });

  it('serves both views as ui:// resources with an empty CSP allow-list', async () => {
    const client = await h.connect(era);
    const { resources } = await client.listResources();
    for (const uri of [POSTER_GRID_URI, NOW_PLAYING_URI]) {
      expect(resources.find((r) => r.uri === uri)?.mimeType, uri).toBe(APP_MIME_TYPE);
      const read = await client.readResource({ uri });
      const [content] = read.contents as Array<{
        uri: string;
        mimeType: string;
        text: string;
        _meta?: { ui?: unknown };
      }>;
      expect(content?.mimeType).toBe(APP_MIME_TYPE);
      expect(content?.text).toMatch(/^<!doctype html>/);
      expect(content?._meta?.ui).toEqual({
        csp: { connectDomains: [], resourceDomains: [] },
        prefersBorder: true,
      });
    }
  });

  it('names the tool in app tools’ results, and a client without Apps gets the same answer', async () => {
    const apps = new Client(
      { name: 'apps-host', version: '1.0.0' },
      {
        capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [APP_MIME_TYPE] } } },
        versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' },
      },
    );
    await apps.connect(
      new StreamableHTTPClientTransport(new URL(h.server.url), {
        requestInit: { headers: { Authorization: `Bearer ${h.authToken}` } },
      }),
    );
    const plain = await h.connect(era);
    const args = { name: 'get_recently_added', arguments: { limit: 3 } };
    const [withApps, withoutApps] = [await apps.callTool(args), await plain.callTool(args)];
    expect(withApps._meta?.['plexmcp.dev/tool']).toBe('get_recently_added');
    expect(withoutApps.content).toEqual(withApps.content);
    expect(withoutApps.structuredContent).toEqual(withApps.structuredContent);
    await apps.close();
  });
});
