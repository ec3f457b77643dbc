/**
 * Destructive tools ask the user by elicitation where the client can answer one, through real SDK clients against
 * the Plex simulator: 2026-07-28 over HTTP and stdio (multi-round-trip `input_required`), 2025 over stdio (a
 * server request mid-call). Accept acts; decline and cancel change nothing and say so. A 2025 client over stateless
 * HTTP and any client without elicitation get the preview and confirm token instead, so no tool needs elicitation.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Era, errorCodeOf, type Harness, startHarness, textOf } from './support/mcp-harness.ts';
import { baseEnv, MAIN_TS, REPO_ROOT } from './support/spawn-server.ts';

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, boolean> };
type Structured = Record<string, unknown>;

/** An SDK client that declares form elicitation and answers each question with `answer`, recording what it saw. */
function elicitingClient(era: Era, answer: () => Answer) {
  const asked: { message: string; requestedSchema: unknown }[] = [];
  const client = new Client(
    { name: 'elicitation-test', version: '1.0.0' },
    {
      capabilities: { elicitation: { form: {} } },
      versionNegotiation: { mode: era === 'modern' ? 'auto' : 'legacy' },
    },
  );
  client.setRequestHandler('elicitation/create', async (request) => {
    const params = request.params as { message: string; requestedSchema: unknown };
    asked.push({ message: params.message, requestedSchema: params.requestedSchema });
    return answer();
  });
  return { client, asked };
}

function httpTransport(h: Harness) {
  return new StreamableHTTPClientTransport(new URL(h.server.url), {
    requestInit: { headers: { Authorization: `Bearer ${h.authToken}` } },
  });
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ CONFIRM_TOKEN_KEY: 'e'.repeat(40) });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sim.reset();
});

const exists = (id: string | undefined) => h.sim.playlists().some((p) => p.ratingKey === id);

describe('elicitation over HTTP, 2026-07-28 (input_required)', () => {
  it('accept: the user is asked once with the preview, and the playlist is deleted', async () => {
    const { client, asked } = elicitingClient('modern', () => ({
      action: 'accept',
      content: { confirm: true },
    }));
    await client.connect(httpTransport(h));
    try {
      const playlist = h.sim.playlists()[0];
      const result = await client.callTool({
        name: 'delete_playlist',
        arguments: { playlist_id: playlist?.ratingKey },
      });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(asked).toHaveLength(1);
      expect(asked[0]?.message).toContain(`"${playlist?.title}"`);
      expect(asked[0]?.requestedSchema).toMatchObject({ properties: { confirm: { type: 'boolean' } } });
      expect((result.structuredContent as Structured).status).toBe('done');
      expect(textOf(result)).toContain('Deleted the playlist');
      expect(exists(playlist?.ratingKey)).toBe(false);
    } finally {
      await client.close();
    }
  });

  for (const [action, status, words] of [
    ['decline', 'declined', 'declined'],
    ['cancel', 'cancelled', 'dismissed'],
  ] as const) {
    it(`${action}: nothing is removed, and both the text and the structured result say so`, async () => {
      const { client, asked } = elicitingClient('modern', () => ({ action }));
      await client.connect(httpTransport(h));
      try {
        const playlist = h.sim.playlists().find((p) => !p.smart && p.items.length > 1);
        const victim = playlist?.items[0]?.ratingKey;
        const result = await client.callTool({
          name: 'remove_from_playlist',
          arguments: { playlist_id: playlist?.ratingKey, items: [victim] },
        });
        expect(result.isError, textOf(result)).toBeFalsy();
        expect(asked).toHaveLength(1);
        const structured = result.structuredContent as Structured;
        expect(structured).toMatchObject({ status, removed: [victim] });
        expect(structured.confirm).toBeUndefined();
        expect(textOf(result)).toContain(words);
        expect(textOf(result)).toContain('nothing was changed');
        expect(structured.message).toBe(textOf(result));
        const now = h.sim.playlists().find((p) => p.ratingKey === playlist?.ratingKey);
        expect(now?.items.map((i) => i.ratingKey)).toContain(victim);
      } finally {
        await client.close();
      }
    });
  }

  it('accept with the box unticked counts as no', async () => {
    const { client } = elicitingClient('modern', () => ({ action: 'accept', content: { confirm: false } }));
    await client.connect(httpTransport(h));
    try {
      const id = h.sim.playlists()[0]?.ratingKey;
      const result = await client.callTool({ name: 'delete_playlist', arguments: { playlist_id: id } });
      expect((result.structuredContent as Structured).status).toBe('declined');
      expect(exists(id)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses an answer whose requestState was issued for other arguments, or that carries none', async () => {
    const client = new Client(
      { name: 'mrtr-forger', version: '1.0.0' },
      {
        capabilities: { elicitation: { form: {} } },
        versionNegotiation: { mode: 'auto' },
        inputRequired: { autoFulfill: false },
      },
    );
    await client.connect(httpTransport(h));
    try {
      const [first, second] = h.sim.playlists();
      const asked = (await client.callTool(
        { name: 'delete_playlist', arguments: { playlist_id: first?.ratingKey } },
        { allowInputRequired: true },
      )) as unknown as { resultType: string; requestState: string; inputRequests: Record<string, unknown> };
      expect(asked.resultType).toBe('input_required');
      expect(Object.keys(asked.inputRequests)).toEqual(['confirm']);
      const accept = { confirm: { action: 'accept', content: { confirm: true } } };
      const replayed = await client.callTool(
        {
          name: 'delete_playlist',
          arguments: { playlist_id: second?.ratingKey },
          inputResponses: accept,
          requestState: asked.requestState,
        } as never,
        { allowInputRequired: true },
      );
      expect(errorCodeOf(replayed)).toBe('invalid_request');
      expect(textOf(replayed)).toContain('does not match these arguments');
      const stateless = await client.callTool(
        {
          name: 'delete_playlist',
          arguments: { playlist_id: second?.ratingKey },
          inputResponses: accept,
        } as never,
        { allowInputRequired: true },
      );
      expect(errorCodeOf(stateless)).toBe('invalid_request');
      expect(exists(first?.ratingKey)).toBe(true);
      expect(exists(second?.ratingKey)).toBe(true);
      // The honest retry, with the state echoed for the same arguments, acts.
      const done = await client.callTool(
        {
          name: 'delete_playlist',
          arguments: { playlist_id: first?.ratingKey },
          inputResponses: accept,
          requestState: asked.requestState,
        } as never,
        { allowInputRequired: true },
      );
      expect((done.structuredContent as Structured).status).toBe('done');
      expect(exists(first?.ratingKey)).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('a client without elicitation gets the preview and a confirm token, in the text and the structured result', async () => {
    const client = await h.connect('modern');
    const id = h.sim.playlists()[0]?.ratingKey;
    const preview = await client.callTool({ name: 'delete_playlist', arguments: { playlist_id: id } });
    const structured = preview.structuredContent as Structured;
    expect(structured.status).toBe('confirmation_required');
    expect(textOf(preview)).toContain(String(structured.confirm));
    expect(exists(id)).toBe(true);
  });
});

describe('elicitation over HTTP, 2025 era (stateless)', () => {
  it('is never attempted (the answer could not come back): the preview and confirm token fallback', async () => {
    const { client, asked } = elicitingClient('legacy', () => ({
      action: 'accept',
      content: { confirm: true },
    }));
    await client.connect(httpTransport(h));
    try {
      const id = h.sim.playlists()[0]?.ratingKey;
      const preview = await client.callTool({ name: 'delete_playlist', arguments: { playlist_id: id } });
      const structured = preview.structuredContent as Structured;
      expect(structured.status).toBe('confirmation_required');
      expect(textOf(preview)).toContain(String(structured.confirm));
      expect(asked).toHaveLength(0);
      expect(exists(id)).toBe(true);
      const done = await client.callTool({
        name: 'delete_playlist',
        arguments: { playlist_id: id, confirm: structured.confirm },
      });
      expect((done.structuredContent as Structured).status).toBe('done');
      expect(exists(id)).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe.each(['legacy', 'modern'] as const)('elicitation over stdio (%s era)', (era) => {
  async function stdioClient(answer: () => Answer) {
    const { client, asked } = elicitingClient(era, answer);
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [MAIN_TS, '--stdio'],
        cwd: REPO_ROOT,
        env: { ...baseEnv(), PLEX_SERVER_URL: h.sim.url, PLEX_TOKEN: h.sim.token, LOG_LEVEL: 'silent' },
        stderr: 'pipe',
      }),
    );
    return { client, asked };
  }

  it('accept deletes, decline keeps', async () => {
    let action: Answer['action'] = 'decline';
    const { client, asked } = await stdioClient(() => ({ action, content: { confirm: true } }));
    try {
      const id = h.sim.playlists()[0]?.ratingKey;
      const kept = await client.callTool({ name: 'delete_playlist', arguments: { playlist_id: id } });
      expect((kept.structuredContent as Structured).status).toBe('declined');
      expect(exists(id)).toBe(true);
      action = 'accept';
      const gone = await client.callTool({ name: 'delete_playlist', arguments: { playlist_id: id } });
      expect((gone.structuredContent as Structured).status).toBe('done');
      expect(exists(id)).toBe(false);
      expect(asked).toHaveLength(2);
    } finally {
      await client.close();
    }
  });
});
