import type { ServerResponse } from 'node:http';
import {
  getOAuthProtectedResourceMetadataUrl,
  type OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/server';
import { sendJson } from '../http/respond.ts';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  /** The document's URL as 401 challenges advertise it (`resource_metadata="…"`). */
  url: string;
  /** True for the paths this document is served at. */
  matches(path: string): boolean;
  /** Answers GET/HEAD with the document, OPTIONS with a CORS preflight, anything else with 405. */
  serve(method: string | undefined, res: ServerResponse): void;
}

/**
 * RFC 9728 Protected Resource Metadata for this MCP server: which authorization server issues its tokens and
 * which scopes it understands, so clients (claude.ai, ChatGPT, the SDK client) discover everything from a 401.
 *
 * Served at the root form and at the path-suffixed forms (RFC 9728 section 3.1): the public URL's own path (which
 * a reverse proxy may have changed) and `/mcp`, the path this process serves. Readable cross-origin, as
 * browser-based clients fetch it before they hold any token.
 */
export function protectedResourceMetadata(options: {
  publicUrl: string;
  issuer: string;
  scopes: string[];
}): ProtectedResourceMetadata {
  const publicUrl = new URL(options.publicUrl);
  const document: OAuthProtectedResourceMetadata = {
    resource: options.publicUrl,
    authorization_servers: [options.issuer],
    scopes_supported: options.scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'Plex MCP server',
  };
  const url = getOAuthProtectedResourceMetadataUrl(publicUrl);
  const paths = new Set([WELL_KNOWN, new URL(url).pathname, `${WELL_KNOWN}/mcp`]);
  const cors = { 'Access-Control-Allow-Origin': '*' };
  return {
    url,
    matches: (path) => paths.has(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path),
    serve(method, res) {
      if (method === 'OPTIONS') {
        res.writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
          'Access-Control-Max-Age': '86400',
        });
        res.end();
      } else if (method === 'GET' || method === 'HEAD') {
        res.setHeader('Cache-Control', 'public, max-age=300');
        if (method === 'HEAD') {
          res.writeHead(200, { ...cors, 'Content-Type': 'application/json; charset=utf-8' });
          res.end();
        } else sendJson(res, 200, document, cors);
      } else {
        sendJson(
          res,
          405,
          { error: 'method_not_allowed', error_description: `${method} is not allowed here; use GET.` },
          { ...cors, Allow: 'GET, HEAD, OPTIONS' },
        );
      }
    },
  };
}
