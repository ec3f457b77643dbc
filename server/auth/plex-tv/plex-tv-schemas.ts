// What plex.tv answers, as the sign-in code reads it (../shared/plex-api/EVENTS-AND-ACCOUNTS.md). Only the fields
// the sign-in needs are required; everything else passes through untouched (plex.tv adds fields freely). The
// plex.tv double in test/plex-sim/plex-tv.ts is validated against these schemas and, where the community OpenAPI
// file has the endpoint (/user, /resources), against that too.

import { z } from 'zod';

/** POST /api/v2/pins and GET /api/v2/pins/{id}. `authToken` stays null until the person signs in. */
export const PlexPinSchema = z.looseObject({
  id: z.number().int(),
  code: z.string().min(1),
  clientIdentifier: z.string().min(1),
  expiresIn: z.number().int(),
  createdAt: z.string(),
  expiresAt: z.string(),
  authToken: z.string().min(1).nullable(),
});
export type PlexPin = z.infer<typeof PlexPinSchema>;

/** GET /api/v2/user (and the account a Home switch returns): who the token belongs to. */
export const PlexUserSchema = z.looseObject({
  id: z.number().int(),
  uuid: z.string().min(1),
  username: z.string(),
  title: z.string(),
  email: z.string().nullable(),
  home: z.boolean().optional(),
  homeAdmin: z.boolean().optional(),
  restricted: z.boolean().optional(),
  authToken: z.string().min(1),
});
export type PlexUser = z.infer<typeof PlexUserSchema>;

export const PlexConnectionSchema = z.looseObject({
  protocol: z.string(),
  uri: z.string(),
  local: z.boolean(),
  relay: z.boolean(),
});

/** One entry of GET /api/v2/resources: a server (or player) this person can reach, with their token for it. */
export const PlexResourceSchema = z.looseObject({
  name: z.string(),
  clientIdentifier: z.string(),
  provides: z.string(),
  owned: z.boolean(),
  home: z.boolean(),
  ownerId: z.number().int().nullable(),
  accessToken: z.string().nullable().optional(),
  connections: z.array(PlexConnectionSchema),
});
export type PlexResource = z.infer<typeof PlexResourceSchema>;
export const PlexResourcesSchema = z.array(PlexResourceSchema);

/** One member of GET /api/v2/home/users (`protected` = the profile has a PIN). */
export const PlexHomeUserSchema = z.looseObject({
  id: z.number().int(),
  uuid: z.string().min(1),
  title: z.string(),
  username: z.string().nullable(),
  restricted: z.boolean(),
  admin: z.boolean(),
  protected: z.boolean(),
});
export type PlexHomeUser = z.infer<typeof PlexHomeUserSchema>;
export const PlexHomeUsersSchema = z.looseObject({ users: z.array(PlexHomeUserSchema) });

/** plex.tv's error body: `{"errors": [{"code", "message", "status"}]}`. */
export const PlexTvErrorSchema = z.looseObject({
  errors: z.array(z.looseObject({ code: z.number().int(), message: z.string(), status: z.number().int() })),
});
