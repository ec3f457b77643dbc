// The plex.tv calls "Sign in with Plex" makes (../shared/plex-api/EVENTS-AND-ACCOUNTS.md): PIN create/check, the
// signed-in account, the resources (servers) that account reaches, Plex Home users and switch. Every answer is
// parsed with the schemas in plex-tv-schemas.ts; tokens travel only in the X-Plex-Token header, never in a URL.

import type { z } from 'zod';
import { fetchJson, IssuerFetchError } from '../fetch-json.ts';
import {
  type PlexHomeUser,
  PlexHomeUsersSchema,
  type PlexPin,
  PlexPinSchema,
  type PlexResource,
  PlexResourcesSchema,
  type PlexUser,
  PlexUserSchema,
} from './plex-tv-schemas.ts';

/** plex.tv said the token is no good (revoked, password changed): the person has to sign in again. */
export class PlexTvUnauthorizedError extends Error {
  override readonly name = 'PlexTvUnauthorizedError';
}

/** plex.tv answered in a shape the sign-in cannot use; the message names the endpoint, never a token. */
export class PlexTvBadResponseError extends Error {
  override readonly name = 'PlexTvBadResponseError';
}

/** A Home switch was refused: the profile's PIN is missing or wrong. */
export class PlexHomePinError extends Error {
  override readonly name = 'PlexHomePinError';
}

export interface PlexTvClientOptions {
  /** https://plex.tv in production; the double's URL in tests. */
  baseUrl: string;
  /** Where /api/v2/resources lives (Plex serves it from https://clients.plex.tv); default baseUrl. */
  resourcesBaseUrl?: string;
  /** X-Plex-Client-Identifier: this MCP server's stable id at plex.tv (PINs belong to it). */
  clientIdentifier: string;
  /** X-Plex-Product: the name Plex shows on its sign-in page and device list. */
  product: string;
  timeoutMs?: number;
}

const MAX_BYTES = 1024 * 1024;

export class PlexTvClient {
  readonly #options: Required<PlexTvClientOptions>;

  constructor(options: PlexTvClientOptions) {
    this.#options = {
      resourcesBaseUrl: options.baseUrl,
      timeoutMs: 10_000,
      ...options,
    };
  }

  get clientIdentifier(): string {
    return this.#options.clientIdentifier;
  }

  /** A strong PIN (the long code Plex's sign-in page takes through the auth URL). */
  createPin(): Promise<PlexPin> {
    return this.#call(PlexPinSchema, 'POST', '/api/v2/pins?strong=true');
  }

  /** The PIN's current state; `undefined` once plex.tv no longer knows it (expired). */
  async checkPin(id: number): Promise<PlexPin | undefined> {
    try {
      return await this.#call(PlexPinSchema, 'GET', `/api/v2/pins/${encodeURIComponent(String(id))}`);
    } catch (error) {
      if (error instanceof IssuerFetchError && error.status === 404) return undefined;
      throw error;
    }
  }

  user(token: string): Promise<PlexUser> {
    return this.#call(PlexUserSchema, 'GET', '/api/v2/user', token);
  }

  resources(token: string): Promise<PlexResource[]> {
    return this.#call(
      PlexResourcesSchema,
      'GET',
      '/api/v2/resources?includeHttps=1&includeRelay=1',
      token,
      this.#options.resourcesBaseUrl,
    );
  }

  async homeUsers(token: string): Promise<PlexHomeUser[]> {
    return (await this.#call(PlexHomeUsersSchema, 'GET', '/api/v2/home/users', token)).users;
  }

  /** Becomes another Home profile: the account plex.tv returns carries that profile's token. */
  async switchHomeUser(token: string, uuid: string, pin?: string): Promise<PlexUser> {
    const query = pin === undefined ? '' : `?${new URLSearchParams({ pin })}`;
    try {
      return await this.#call(
        PlexUserSchema,
        'POST',
        `/api/v2/home/users/${encodeURIComponent(uuid)}/switch${query}`,
        token,
      );
    } catch (error) {
      if (error instanceof IssuerFetchError && error.status === 403)
        throw new PlexHomePinError(pin === undefined ? 'this profile needs its PIN' : 'wrong PIN');
      throw error;
    }
  }

  async #call<S extends z.ZodType>(
    schema: S,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    token?: string,
    base = this.#options.baseUrl,
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = {
      'X-Plex-Client-Identifier': this.#options.clientIdentifier,
      'X-Plex-Product': this.#options.product,
    };
    if (token !== undefined) headers['X-Plex-Token'] = token;
    let body: unknown;
    try {
      body = await fetchJson(new URL(pathAndQuery, base).href, {
        timeoutMs: this.#options.timeoutMs,
        maxBytes: MAX_BYTES,
        init: { method, headers },
      });
    } catch (error) {
      if (error instanceof IssuerFetchError && error.status === 401)
        throw new PlexTvUnauthorizedError('plex.tv no longer accepts this sign-in; sign in with Plex again');
      throw error;
    }
    const parsed = schema.safeParse(body);
    const endpoint = pathAndQuery.split('?')[0];
    if (!parsed.success)
      throw new PlexTvBadResponseError(
        `plex.tv ${method} ${endpoint}: unexpected answer (${parsed.error.issues[0]?.message})`,
      );
    return parsed.data;
  }
}
