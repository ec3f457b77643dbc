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

/** A browser's cookie jar around fetch (redirects not followed, so each step is visible). */
export class ScriptedBrowser {
  readonly cookies = new Map<string, string>();
  async go(url: URL, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(this.cookies.size > 0 && { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    return response;
  }
}

export async function signInWithBrowser(
  authorizationUrl: URL,
  login: string,
  redirectUri: string,
): Promise<URL> {
  const browser = new ScriptedBrowser();
  let url = authorizationUrl;
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < 15; step++) {
    const response = await browser.go(url, {
      ...init,
      ...(init.body !== undefined && { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
    });
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
 * An MCP client's OAuth provider for a public client using authorization code + PKCE whose "browser" is a script
 * (`browse`: from the authorization URL to the redirect back). With a `clientId` it is pre-registered; without one
 * it registers itself (RFC 7591) as claude.ai and ChatGPT do when they may.
 */
export class BrowserOAuthClient implements OAuthClientProvider {
  #tokens: StoredOAuthTokens | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #verifier = '';
  #discovery: OAuthDiscoveryState | undefined;
  /** The redirect back to the client after the last sign-in (hand its searchParams to `finishAuth`). */
  callback: URL | undefined;
  readonly #redirectUri: string;
  readonly #browse: (authorizationUrl: URL) => Promise<URL>;
  readonly #name: string;

  constructor(options: {
    redirectUri: string;
    browse: (authorizationUrl: URL) => Promise<URL>;
    clientId?: string;
    name?: string;
  }) {
    this.#redirectUri = options.redirectUri;
    this.#browse = options.browse;
    this.#name = options.name ?? 'plex-mcp tests';
    if (options.clientId !== undefined) this.#client = { client_id: options.clientId };
  }

  get redirectUrl(): string {
    return this.#redirectUri;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.#name,
      redirect_uris: [this.#redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#client = info;
  }
  tokens(): StoredOAuthTokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: StoredOAuthTokens): void {
    this.#tokens = tokens;
  }
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    this.callback = await this.#browse(authorizationUrl);
  }
  saveCodeVerifier(codeVerifier: string): void {
    this.#verifier = codeVerifier;
  }
  codeVerifier(): string {
    return this.#verifier;
  }
  // Kept with the verifier so the SDK can bind the callback to the provider it started with (SEP-2352).
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }
  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }
}

/** The pre-registered browser client of the test provider, with a person signing in there as `login`. */
export class ScriptedBrowserClient extends BrowserOAuthClient {
  constructor(clientId: string, redirectUri: string, login: string) {
    super({ clientId, redirectUri, browse: (url) => signInWithBrowser(url, login, redirectUri) });
  }
}
