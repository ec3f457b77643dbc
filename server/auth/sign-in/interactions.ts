// The login step of the authorization server: oidc-provider hands the person's browser to
// /oauth/interaction/<uid>, and here they sign in with Plex: a PIN created at plex.tv, a link to Plex's own sign-in
// page, this page reloading (at most one plex.tv check per PIN_CHECK_INTERVAL) until the PIN is claimed or expires,
// then admission by this Plex server's machine identifier (owner, Home, friends in; anyone else a "not shared with
// you" page), "who's watching" for an owner with Home profiles, and the grant. The interaction is bound to the
// browser by oidc-provider's signed interaction cookie; the profile form also carries a CSRF token and its Origin is
// checked.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Logger } from '../../observability/logger.ts';
import { plexSignInUrl } from '../plex-tv/pin-sign-in.ts';
import { PlexHomePinError, type PlexTvClient, PlexTvUnauthorizedError } from '../plex-tv/plex-tv-client.ts';
import { type Admission, admitToServer, switchHomeProfile } from '../plex-tv/server-access.ts';
import { type Page, pages, sendPage } from './pages.ts';
import type { People } from './people.ts';
import type { RateLimit } from './rate-limit.ts';
import type { SealedStore } from './sealed-store.ts';

export const INTERACTION_PREFIX = '/oauth/interaction/';
const PIN_CHECK_INTERVAL_MS = 2_000;
const MAX_PIN_ATTEMPTS = 5;

interface SignInState {
  csrf: string;
  pinId: number;
  plexUrl: string;
  deadline: number;
  lastCheck: number;
  /** After an owner signs in with Home profiles: who they are, until they choose who's watching. */
  owner?: { plexTvToken: string; admission: Extract<Admission, { admitted: true }> };
  profiles?: { uuid: string; title: string; needsPin: boolean }[];
  pinAttempts?: number;
  /** The PIN expired: the page says so on every reload (a new sign-in starts from the app). */
  expired?: boolean;
}

export interface InteractionOptions {
  provider: Provider;
  issuer: string;
  /** The MCP resource (access tokens' audience) and the scopes it understands. */
  resource: string;
  scopes: readonly string[];
  plexTv: PlexTvClient;
  plexAppAuthUrl: string;
  product: string;
  machineIdentifier: () => Promise<string>;
  allowedUsers: readonly string[];
  timeoutMs: number;
  store: SealedStore;
  people: People;
  pinCreation: RateLimit;
  logger: Logger;
  now?: () => number;
}

export function createInteractions(o: InteractionOptions) {
  const now = o.now ?? Date.now;
  const stateKey = (uid: string) => `signin:${uid}`;
  const admitOptions = async () => ({
    machineIdentifier: await o.machineIdentifier(),
    ...(o.allowedUsers.length > 0 && { allowedUsers: o.allowedUsers }),
  });
  const ttl = () => Math.ceil(o.timeoutMs / 1000) + 300;

  async function finish(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
    admission: Extract<Admission, { admitted: true }>,
    plexTvToken: string,
  ): Promise<void> {
    const subject = admission.person.uuid;
    await o.people.save({
      subject,
      username: admission.person.username,
      title: admission.person.title,
      role: admission.role,
      serverToken: admission.serverToken,
      plexTvToken,
      signedInAt: now(),
    });
    const clientId = String(details.params.client_id);
    const grant = new o.provider.Grant({ accountId: subject, clientId });
    const requested = String(details.params.scope ?? '')
      .split(' ')
      .filter((s) => s.length > 0);
    // The Plex scopes asked for; a client that asks for none gets them all (what the resource metadata offers).
    const asked = requested.filter((s) => o.scopes.includes(s));
    const plexScopes = (asked.length > 0 ? asked : o.scopes).join(' ');
    const oidcScopes = requested.filter((s) => s === 'openid' || s === 'offline_access');
    // The provider also lists the Plex scopes as its own (clients register with them), so they are granted both as
    // scopes of the request and as scopes of the resource (where the access token takes them from).
    grant.addOIDCScope([...oidcScopes, ...asked].join(' '));
    grant.addResourceScope(o.resource, plexScopes);
    const grantId = await grant.save();
    await o.people.addGrant(subject, grantId);
    await o.store.delete(stateKey(details.uid));
    o.logger.info({ sub: subject, role: admission.role, client_id: clientId }, 'signed in with Plex');
    await o.provider.interactionFinished(
      req,
      res,
      { login: { accountId: subject }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** After plex.tv gave us the person's token: admitted, refused, or (an owner with a Home) who's watching. */
  async function admitted(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
    state: SignInState,
    plexTvToken: string,
  ): Promise<void> {
    const admission = await admitToServer(o.plexTv, plexTvToken, await admitOptions());
    if (!admission.admitted) {
      await o.store.delete(stateKey(details.uid));
      o.logger.info({ reason: admission.reason }, 'Plex sign-in refused');
      return sendPage(
        res,
        pages.refused({ who: admission.person.username || admission.person.title, reason: admission.reason }),
      );
    }
    if (admission.role === 'owner') {
      const home = await o.plexTv.homeUsers(plexTvToken).catch(() => []);
      const others = home.filter((u) => u.uuid !== admission.person.uuid);
      if (others.length > 0) {
        state.owner = { plexTvToken, admission };
        state.profiles = [
          { uuid: admission.person.uuid, title: admission.person.title, needsPin: false },
          // The owner (Home admin) switches to a managed profile without its PIN; a profile with its own
          // account and a PIN asks for it.
          ...others.map((u) => ({
            uuid: u.uuid,
            title: u.title,
            needsPin: u.protected && u.username !== null,
          })),
        ];
        await o.store.set(stateKey(details.uid), state, ttl());
        return sendPage(res, chooser(details.uid, state));
      }
    }
    return finish(req, res, details, admission, plexTvToken);
  }

  const chooser = (uid: string, state: SignInState, error?: string): Page =>
    pages.whoIsWatching({
      action: `${INTERACTION_PREFIX}${uid}/profile`,
      csrf: state.csrf,
      profiles: state.profiles ?? [],
      ...(error !== undefined && { error }),
    });

  async function show(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await o.provider.interactionDetails(req, res);
    const key = stateKey(details.uid);
    let state = (await o.store.get(key)) as SignInState | undefined;
    if (state === undefined) {
      if (!o.pinCreation.take(req.socket.remoteAddress ?? 'unknown'))
        return sendPage(
          res,
          pages.problem({
            status: 429,
            title: 'Slow down',
            message: 'Too many sign-ins from here; wait a minute.',
          }),
        );
      const pin = await o.plexTv.createPin();
      const plexUrl = plexSignInUrl(pin, {
        clientIdentifier: o.plexTv.clientIdentifier,
        product: o.product,
        forwardUrl: `${o.issuer}${INTERACTION_PREFIX}${details.uid}`,
        appUrl: o.plexAppAuthUrl,
      });
      state = {
        csrf: randomBytes(24).toString('base64url'),
        pinId: pin.id,
        plexUrl,
        deadline: now() + o.timeoutMs,
        lastCheck: 0,
      };
      await o.store.set(key, state, ttl());
      return sendPage(res, await signInPage(details, state));
    }
    if (state.owner) return sendPage(res, chooser(details.uid, state));
    const expire = async () => {
      await o.store.set(key, { ...state, expired: true }, ttl());
      return sendPage(res, pages.expired());
    };
    if (state.expired || now() > state.deadline) return expire();
    // Reloads faster than this (or several tabs) do not reach plex.tv.
    if (now() - state.lastCheck < PIN_CHECK_INTERVAL_MS)
      return sendPage(res, await signInPage(details, state));
    state.lastCheck = now();
    await o.store.set(key, state, ttl());
    const pin = await o.plexTv.checkPin(state.pinId);
    if (pin === undefined) return expire();
    if (!pin.authToken) return sendPage(res, await signInPage(details, state));
    return admitted(req, res, details, state, pin.authToken);
  }

  /** Names the client (as it registered itself) and, what matters more, where the browser will be sent back to. */
  async function signInPage(
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
    state: SignInState,
  ): Promise<Page> {
    const redirect = String(details.params.redirect_uri ?? '');
    let redirectHost = redirect;
    try {
      redirectHost = new URL(redirect).host || redirect;
    } catch {}
    const clientId = String(details.params.client_id);
    const client = await o.provider.Client.find(clientId).catch(() => undefined);
    return pages.signIn({
      clientName: client?.clientName ?? clientId,
      redirectHost,
      plexUrl: state.plexUrl,
    });
  }

  async function chooseProfile(
    req: IncomingMessage,
    res: ServerResponse,
    form: URLSearchParams,
  ): Promise<void> {
    const details = await o.provider.interactionDetails(req, res);
    const key = stateKey(details.uid);
    const state = (await o.store.get(key)) as SignInState | undefined;
    const origin = req.headers.origin;
    const csrf = form.get('csrf') ?? '';
    const csrfOk =
      state !== undefined &&
      csrf.length === state.csrf.length &&
      timingSafeEqual(Buffer.from(csrf), Buffer.from(state.csrf));
    if (!state?.owner || !csrfOk || (origin !== undefined && origin !== new URL(o.issuer).origin))
      return sendPage(
        res,
        pages.problem({
          status: 403,
          title: 'Sign-in refused',
          message: 'This form did not come from this sign-in page. Start again from your app.',
        }),
      );
    const profile = state.profiles?.find((p) => p.uuid === form.get('profile'));
    if (!profile) return sendPage(res, chooser(details.uid, state, 'Choose one of these profiles.'));
    if (profile.uuid === state.owner.admission.person.uuid)
      return finish(req, res, details, state.owner.admission, state.owner.plexTvToken);
    state.pinAttempts = (state.pinAttempts ?? 0) + 1;
    if (state.pinAttempts > MAX_PIN_ATTEMPTS) {
      await o.store.delete(key);
      return sendPage(
        res,
        pages.problem({
          status: 429,
          title: 'Too many tries',
          message: 'Too many PIN attempts. Start again from your app.',
        }),
      );
    }
    await o.store.set(key, state, ttl());
    const pin = form.get('pin') || undefined;
    try {
      const switched = await switchHomeProfile(o.plexTv, state.owner.plexTvToken, profile.uuid, {
        ...(await admitOptions()),
        ...(pin !== undefined && { pin }),
      });
      if (!switched.admitted)
        return sendPage(res, pages.refused({ who: switched.person.title, reason: switched.reason }));
      return finish(req, res, details, switched, switched.plexTvToken);
    } catch (error) {
      if (error instanceof PlexHomePinError)
        return sendPage(res, chooser(details.uid, state, `${profile.title}: ${error.message}.`));
      throw error;
    }
  }

  return {
    handles: (path: string) => path.startsWith(INTERACTION_PREFIX),
    async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
      try {
        const rest = path.slice(INTERACTION_PREFIX.length);
        if (req.method === 'GET' && /^[\w-]+$/.test(rest)) return await show(req, res);
        if (req.method === 'POST' && /^[\w-]+\/profile$/.test(rest)) {
          const form = new URLSearchParams(await readForm(req));
          return await chooseProfile(req, res, form);
        }
        return sendPage(
          res,
          pages.problem({ status: 404, title: 'Not found', message: 'There is no such sign-in page.' }),
        );
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'SessionNotFound')
          return sendPage(
            res,
            pages.problem({
              status: 400,
              title: 'This sign-in page has expired',
              message: 'It ended or belongs to another browser. Go back to your app and connect again.',
            }),
          );
        if (error instanceof PlexTvUnauthorizedError)
          return sendPage(
            res,
            pages.problem({
              status: 401,
              title: 'Plex refused the sign-in',
              message: 'Sign in with Plex again.',
            }),
          );
        // The reason is logged without any token (our plex.tv client's messages never carry one).
        o.logger.warn(
          { reason: error instanceof Error ? error.message : String(error) },
          'Plex sign-in failed',
        );
        return sendPage(
          res,
          pages.problem({
            status: 502,
            title: 'Sign-in could not continue',
            message: 'plex.tv (or the sign-in store) did not answer. Try again in a moment.',
          }),
        );
      }
    },
  };
}

const MAX_FORM_BYTES = 4096;

async function readForm(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error('sign-in form too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
