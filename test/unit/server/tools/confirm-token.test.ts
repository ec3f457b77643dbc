import { describe, expect, it } from 'vitest';
import { CONFIRM_TTL_SECONDS, createConfirmTokens } from '../../../../server/tools/confirm-token.ts';

const KEY = 'k'.repeat(40);
const ARGS = { playlist_id: '900001' };

describe('confirm tokens', () => {
  it('confirm exactly the tool and arguments they were minted for, whatever the key order', () => {
    const tokens = createConfirmTokens(KEY);
    const token = tokens.mint('remove_from_playlist', { playlist_id: '1', items: ['2', '3'] }, 0);
    expect(
      tokens.check(token, 'remove_from_playlist', { items: ['2', '3'], playlist_id: '1' }, 0),
    ).toBeUndefined();
    expect(tokens.check(token, 'remove_from_playlist', { items: ['3', '2'], playlist_id: '1' }, 0)).toMatch(
      /match/,
    );
    expect(tokens.check(token, 'delete_playlist', { playlist_id: '1' }, 0)).toMatch(/match/);
    // `confirm` itself is not part of what is signed.
    expect(
      tokens.check(token, 'remove_from_playlist', { playlist_id: '1', items: ['2', '3'], confirm: token }, 0),
    ).toBeUndefined();
  });

  it(`expire after ${CONFIRM_TTL_SECONDS} s`, () => {
    const tokens = createConfirmTokens(KEY);
    const now = 1_800_000_000_000;
    const token = tokens.mint('delete_playlist', ARGS, now);
    expect(tokens.check(token, 'delete_playlist', ARGS, now + CONFIRM_TTL_SECONDS * 1000)).toBeUndefined();
    expect(tokens.check(token, 'delete_playlist', ARGS, now + (CONFIRM_TTL_SECONDS + 1) * 1000)).toMatch(
      /expired/,
    );
  });

  it('work across instances with the same key only, and carry no argument values or key', () => {
    const token = createConfirmTokens(KEY).mint('delete_playlist', ARGS, 0);
    expect(createConfirmTokens(KEY).check(token, 'delete_playlist', ARGS, 0)).toBeUndefined();
    expect(createConfirmTokens('z'.repeat(40)).check(token, 'delete_playlist', ARGS, 0)).toMatch(/match/);
    expect(createConfirmTokens(undefined).check(token, 'delete_playlist', ARGS, 0)).toMatch(/match/);
    expect(token).not.toContain('900001');
    expect(token).not.toContain(KEY);
    expect(createConfirmTokens(KEY).check('garbage', 'delete_playlist', ARGS, 0)).toMatch(
      /not a confirmation token/,
    );
  });
});
