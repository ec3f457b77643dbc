/**
 * The MCP Inspector CLI's `--app-info` probe (with `--advertise-apps`) against our HTTP server: it reports the app of
 * every app tool (resourceUri, CSP, MIME type, read from the real ui:// resource) and no app for the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_MIME_TYPE, APP_OF_TOOL } from '../../../server/apps/app-meta.ts';
import { runInspector } from '../../support/inspector-cli.ts';
import { type Harness, startHarness } from './support/mcp-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const connection = () => [
  h.server.url,
  '--transport',
  'http',
  '--header',
  `Authorization: Bearer ${h.authToken}`,
];

describe('Inspector CLI --app-info', () => {
  it('tools/list: one line per tool, the app of each app tool from its resource', {
    timeout: 700_000,
  }, async () => {
    const result = await runInspector([
      ...connection(),
      '--method',
      'tools/list',
      '--app-info',
      '--advertise-apps',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const { tools } = await (await h.connect('modern')).listTools();
    expect(lines.map((l) => l.toolName)).toEqual(tools.map((t) => t.name));
    for (const line of lines) {
      const uri = APP_OF_TOOL[String(line.toolName)];
      if (uri === undefined) {
        expect(line, String(line.toolName)).toEqual({ hasApp: false, toolName: line.toolName });
      } else {
        expect(line, String(line.toolName)).toEqual({
          hasApp: true,
          toolName: line.toolName,
          resourceUri: uri,
          csp: { connectDomains: [], resourceDomains: [] },
          prefersBorder: true,
          resourceMimeType: APP_MIME_TYPE,
        });
      }
    }
  });

  it('tools/call probe: the now-playing app, and exit 2 for a tool without one (neither tool is invoked)', {
    timeout: 300_000,
  }, async () => {
    h.sim.resetRequestCounts();
    const app = await runInspector([
      ...connection(),
      '--method',
      'tools/call',
      '--tool-name',
      'get_playback_status',
      '--app-info',
      '--advertise-apps',
    ]);
    expect(app.code, app.stderr).toBe(0);
    expect(JSON.parse(app.stdout)).toMatchObject({
      hasApp: true,
      resourceUri: 'ui://plex-mcp/now-playing.html',
    });
    const none = await runInspector([
      ...connection(),
      '--method',
      'tools/call',
      '--tool-name',
      'get_media_details',
      '--app-info',
      '--advertise-apps',
    ]);
    expect(none.code).toBe(2);
    expect(h.sim.requestCounts()['/status/sessions'] ?? 0).toBe(0);
  });
});
