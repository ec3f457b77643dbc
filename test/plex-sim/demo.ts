// `npm run demo`: the Plex simulator and the MCP server together, so anyone can try every tool without a Plex
// server. Prints the endpoint, a fresh random AUTH_TOKEN, the simulator's Plex token (for a second server or a
// stdio client) and how to connect Claude Code, the MCP Inspector and curl. Ctrl-C stops both.
// Options: test/plex-sim/demo-options.ts (`npm run demo -- --help`).

import { randomBytes } from 'node:crypto';
import { SERVER_NAME, SERVER_VERSION } from '../../server/version.ts';
import { IDP_CLIENTS } from '../support/idp/clients.ts';
import { type DemoOptions, demoUsage, parseDemoArgs } from './demo-options.ts';

let options: DemoOptions;
try {
  options = parseDemoArgs(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}\n\n${demoUsage()}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(demoUsage());
  process.exit(0);
}
if (options.version) {
  process.stdout.write(`${SERVER_NAME} ${SERVER_VERSION} (demo)\n`);
  process.exit(0);
}
const problems = [
  ['port', 0, 65_535],
  ['plex-port', 0, 65_535],
  ['items', 8, 1_000_000],
].flatMap(([name, min, max]) => {
  const value = options[name as 'port' | 'plex-port' | 'items'];
  const n = Number(value);
  return /^\d+$/.test(value) && n >= Number(min) && n <= Number(max)
    ? []
    : [`--${name} must be a whole number from ${min} to ${max} (got "${value}")`];
});
if (problems.length > 0) {
  console.error(`demo: ${problems.join('\ndemo: ')}\nSee: npm run demo -- --help`);
  process.exit(2);
}

// Loaded only now, so --help and option errors answer at once (the server's graph takes a while to import).
const [{ startHttpServer }, { loadConfig }, { startPlexSimulator }] = await Promise.all([
  import('../../server/http-server.ts'),
  import('../../server/config/config.ts'),
  import('./simulator.ts'),
]);

async function startDemoIdp(port: string) {
  const [{ startIdp }, { freeLoopbackPorts }] = await Promise.all([
    import('../support/idp/idp-process.ts'),
    import('../cluster/ports.ts'),
  ]);
  const serverPort = port === '0' ? String((await freeLoopbackPorts(1))[0]) : port;
  const publicUrl = `http://127.0.0.1:${serverPort}/mcp`;
  // Redirect URIs of local OAuth clients: the MCP Inspector's, and any loopback callback (RFC 8252 section 7.3).
  const redirectUris = [
    'http://localhost:6274/oauth/callback',
    'http://localhost:6274/oauth/callback/debug',
    'http://127.0.0.1:33418/callback',
  ];
  const idp = await startIdp({ resources: [publicUrl], redirectUris, registration: true });
  return { idp, publicUrl, port: serverPort };
}

function oauthInstructions(url: string, issuer: string): string {
  const full = IDP_CLIENTS.full;
  return `OAuth (AUTH_MODE=bearer+oauth; the AUTH_TOKEN above keeps working):
  Identity provider : ${issuer}   (panva's oidc-provider, development sign-in: any user name, any password)
  Resource metadata : ${url.replace(/\/mcp$/, '/.well-known/oauth-protected-resource/mcp')}
  Machine client    : client_id ${full.id}, client_secret ${full.secret} (client credentials, every plex scope)
  Read-only client  : client_id ${IDP_CLIENTS.readOnly.id}, client_secret ${IDP_CLIENTS.readOnly.secret} (plex:read)
  Browser client    : client_id ${IDP_CLIENTS.browser.id} (public, authorization code + PKCE), or register dynamically

  Claude Code discovers the provider from the 401 and signs you in (dynamic client registration):
    claude mcp add --transport http plex-demo-oauth ${url}
  MCP Inspector: Streamable HTTP, URL ${url}, "Open Auth Settings", then Quick OAuth Flow.
  A token by hand, then a call:
    TOKEN=$(curl -s -u ${full.id}:${full.secret} ${issuer}/token \\
      -d grant_type=client_credentials -d scope="plex:read plex:playback plex:library" -d resource=${url} \\
      | node -e 'process.stdin.on("data", d => console.log(JSON.parse(d).access_token))')
    curl -s ${url} -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
      -H "Accept: application/json, text/event-stream" -H "MCP-Protocol-Version: 2025-06-18" \\
      -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'

`;
}

const plexToken = randomBytes(18).toString('base64url');
const authToken = randomBytes(32).toString('base64url');

if (options.oauth && options['plex-sign-in']) {
  console.error('demo: --oauth and --plex-sign-in are two different AUTH_MODEs; choose one');
  process.exit(2);
}
// --plex-sign-in: the family on both doubles (test/plex-sim/household.ts); the owner's token is PLEX_TOKEN.
const family = options['plex-sign-in'] ? (await import('./household.ts')).household() : undefined;

const sim = await startPlexSimulator({
  port: Number(options['plex-port']),
  token: family?.ownerToken ?? plexToken,
  items: Number(options.items),
  ...(family && { people: family.sim }),
});
const plexSignIn = family ? await startDemoPlexSignIn(family, options.port) : undefined;

async function startDemoPlexSignIn(people: NonNullable<typeof family>, port: string) {
  const [{ startPlexTv }, { freeLoopbackPorts }] = await Promise.all([
    import('./plex-tv.ts'),
    import('../cluster/ports.ts'),
  ]);
  const plexTv = await startPlexTv({
    server: {
      machineIdentifier: sim.catalog.server.machineIdentifier,
      name: sim.catalog.server.friendlyName,
      uri: sim.url,
    },
    people: people.plexTv,
  });
  const serverPort = port === '0' ? String((await freeLoopbackPorts(1))[0]) : port;
  return { plexTv, port: serverPort, publicUrl: `http://127.0.0.1:${serverPort}/mcp` };
}

function plexSignInInstructions(url: string, plexTvUrl: string): string {
  return `Sign in with Plex (AUTH_MODE=plex, no static token: everyone signs in as themselves):
  plex.tv double    : ${plexTvUrl}   (its sign-in page lets you pick who you are)
  People            : owner "Olivia" (the owner; asked who's watching: herself, Pat with PIN 2468, or Kid, a
                      managed profile, no PIN), partner "Pat" (Home member), friend "Fran" (one library shared),
                      stranger "Stan" (refused: not shared with him)

  Claude Code registers itself and opens your browser:
    claude mcp add --transport http plex-demo-plex ${url}
  MCP Inspector: Streamable HTTP, URL ${url}, "Open Auth Settings", then Quick OAuth Flow.
  In the browser: "Sign in with Plex" opens the double's page in a new tab; pick a person there, and the first tab
  continues by itself. Sign in twice as two people (two clients) and ask each for its On Deck: they differ.

`;
}

// --oauth: a local OpenID Provider (test/support/idp) that mints tokens for this server. The public URL is the
// resource those tokens name, so the port must be known before the server starts.
const oauth = options.oauth ? await startDemoIdp(options.port) : undefined;

const loaded = loadConfig(
  {
    PLEX_SERVER_URL: sim.url,
    PLEX_TOKEN: family?.ownerToken ?? plexToken,
    ...(!plexSignIn && { AUTH_TOKEN: authToken }),
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: oauth ? String(oauth.port) : plexSignIn ? plexSignIn.port : options.port,
    LOG_LEVEL: options['log-level'],
    ...(oauth && {
      AUTH_MODE: 'bearer+oauth',
      MCP_PUBLIC_URL: oauth.publicUrl,
      OAUTH_ISSUER: oauth.idp.issuer,
    }),
    ...(plexSignIn && {
      AUTH_MODE: 'plex',
      MCP_PUBLIC_URL: plexSignIn.publicUrl,
      PLEX_SIGN_IN_KEY: randomBytes(32).toString('base64url'),
      PLEX_TV_URL: plexSignIn.plexTv.url,
      PLEX_TV_RESOURCES_URL: plexSignIn.plexTv.url,
      PLEX_APP_AUTH_URL: `${plexSignIn.plexTv.url}/auth`,
    }),
  },
  'http',
);
if (!loaded.ok) {
  console.error(`demo: invalid configuration:\n  ${loaded.problems.join('\n  ')}`);
  await sim.close();
  await oauth?.idp.stop();
  await plexSignIn?.plexTv.close();
  process.exit(2);
}

let server: Awaited<ReturnType<typeof startHttpServer>>;
try {
  server = await startHttpServer(loaded.config);
} catch (error) {
  console.error(
    `demo: could not start the MCP server (${error instanceof Error ? error.message : String(error)}); ` +
      'is the port taken? Try: npm run demo -- --port 0',
  );
  await sim.close();
  await oauth?.idp.stop();
  await plexSignIn?.plexTv.close();
  process.exit(1);
}

const c = sim.catalog;
const url = server.url;
const ownerToken = family?.ownerToken ?? plexToken;
const bearerInstructions = `AUTH_TOKEN     : ${authToken}   (new on every start; demo only)
PLEX_TOKEN     : ${ownerToken}   (the simulator's Plex token, for a second server or a stdio client)

Connect Claude Code:
  claude mcp add --transport http plex-demo ${url} --header "Authorization: Bearer ${authToken}"

MCP Inspector (then choose "Streamable HTTP", URL ${url}, and add the header Authorization: Bearer <AUTH_TOKEN>):
  npx @modelcontextprotocol/inspector

curl (2025-06-18 JSON-RPC over Streamable HTTP):
  curl -s ${url} \\
    -H "Authorization: Bearer ${authToken}" \\
    -H "Content-Type: application/json" -H "Accept: application/json, text/event-stream" \\
    -H "MCP-Protocol-Version: 2025-06-18" \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_media","arguments":{"query":"${c.movies[0]?.title.split(' ')[1] ?? 'the'}","limit":3}}}'

A stdio client (after npm run build), against the same simulator:
  PLEX_SERVER_URL=${sim.url} PLEX_TOKEN=${ownerToken} node dist/server/main.js --stdio

`;
console.log(`
Plex simulator : ${sim.url}  ("${c.server.friendlyName}", ${c.movies.length} movies, ${c.shows.length} shows, ${c.artists.length} artists, ${c.photos.length} photos, 2 playing sessions)
MCP server     : ${url}
${plexSignIn ? plexSignInInstructions(url, plexSignIn.plexTv.url) : bearerInstructions}${oauth ? oauthInstructions(url, oauth.idp.issuer) : ''}Health: ${url.replace(/\/mcp$/, '/health/ready')}   Metrics: ${url.replace(/\/mcp$/, '/metrics')}
Press Ctrl-C to stop both.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping...');
  await server.close({ graceMs: 2_000 });
  await sim.close();
  await oauth?.idp.stop();
  await plexSignIn?.plexTv.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
