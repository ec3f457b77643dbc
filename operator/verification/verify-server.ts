// One verification of one server: the MCP handshake and the server's readiness detail, side by side (they answer
// different questions: "does it speak MCP to a client with the token?" and "does it reach Plex with its token?").
import { type HandshakeResult, mcpHandshake } from './mcp-handshake.ts';
import { type PlexState, readPlexState } from './readiness-detail.ts';

export interface VerificationTarget {
  /** http://<address>:<port>, where the server's /mcp and /health/ready are. */
  baseUrl: string;
  /** The generated auth token (the `<name>-auth` Secret). Never logged. */
  bearer: string;
}

export interface VerificationResult {
  /** Clock time the verification finished (ms). */
  checkedAt: number;
  handshake: HandshakeResult;
  plex: PlexState;
}

export interface VerifyOptions {
  /** Budget of each half; both run at once, so this bounds the whole verification. */
  timeoutMs: number;
  clientVersion: string;
  now: () => number;
  /** Hears each HTTP request sent to the server. */
  onRequest?: () => void;
}

export async function verifyServer(
  target: VerificationTarget,
  options: VerifyOptions,
): Promise<VerificationResult> {
  const [handshake, plex] = await Promise.all([
    mcpHandshake(target.baseUrl, target.bearer, options),
    readPlexState(target.baseUrl, options.timeoutMs, options.onRequest),
  ]);
  return { checkedAt: options.now(), handshake, plex };
}
