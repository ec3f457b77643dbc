/**
 * The browser step of the authorization code flow, scripted: follows the provider's redirects with a cookie jar,
 * signs in on the provider's own login page and approves its consent page (oidc-provider's development
 * interactions), and returns the redirect back to the client (the URL carrying `code`, `state` and `iss`).
 * Nothing here speaks OAuth: it only does what a user's browser does.
 */
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';

export async function signInWithBrowser(
  authorizationUrl: URL,
  login: string,
  redirectUri: string,
): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < 15; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
        ...(cookies.size > 0 && { Cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') }),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action || !prompt) {
      throw new Error(`unexpected provider page (HTTP ${response.status}): ${html.slice(0, 300)}`);
    }
    url = new URL(action.replaceAll('&amp;', '&'), url);
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', login);
      form.set('password', 'any');
    }
    init = { method: 'POST', body: form.toString() };
  }
  throw new Error('too many steps in the browser flow');
}

/**
 * An MCP client's OAuth provider for a public client using authorization code + PKCE, whose "browser" is the
 * scripted one above: what claude.ai or Claude Desktop do, with a person signing in as `login`.
 */
export class ScriptedBrowserClient implements OAuthClientProvider {
  private storedTokens: StoredOAuthTokens | undefined;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;
  /** The redirect back to the client after the last sign-in (hand its searchParams to `finishAuth`). */
  callback: URL | undefined;

  private readonly clientId: string;
  private readonly redirectUri: string;
  private readonly login: string;

  constructor(clientId: string, redirectUri: string, login: string) {
    this.clientId = clientId;
    this.redirectUri = redirectUri;
    this.login = login;
  }

  get redirectUrl(): string {
    return this.redirectUri;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'plex-mcp tests',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.clientId };
  }
  tokens(): StoredOAuthTokens | undefined {
    return this.storedTokens;
  }
  saveTokens(tokens: StoredOAuthTokens): void {
    this.storedTokens = tokens;
  }
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.callback = await signInWithBrowser(authorizationUrl, this.login, this.redirectUri);
  }
  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
  // Kept with the verifier so the SDK can bind the callback to the provider it started with (SEP-2352).
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }
}
