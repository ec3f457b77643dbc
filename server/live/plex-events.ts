/**
 * The messages of Plex's event stream (`/:/eventsource/notifications`, ../shared/plex-api/EVENTS-AND-ACCOUNTS.md)
 * that this server acts on, as zod schemas: each SSE message's data is a `NotificationContainer` with a `type`
 * and an array named after it. Only the fields we use are required; Plex adds more, and types we do not know are
 * ignored, not errors (the feed carries many: status, progress, preference, reachability, ...).
 */
import { z } from 'zod';

/** Plex sends numbers as strings in some places and numbers in others; both are accepted where we read one. */
const idString = z.union([z.string(), z.number()]).transform(String);
const number = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

export const PLAYING_STATES = ['playing', 'paused', 'buffering', 'stopped'] as const;

export const PlaySessionStateSchema = z.object({
  sessionKey: idString,
  state: z.enum(PLAYING_STATES),
  viewOffset: number.optional(),
  ratingKey: idString.optional(),
  key: z.string().optional(),
  clientIdentifier: z.string().optional(),
  transcodeSession: z.string().optional(),
});
export type PlaySessionState = z.infer<typeof PlaySessionStateSchema>;

/** Timeline `state`: 0 created, 1-6 processing steps (5 = finished), 9 deleted. */
export const TIMELINE_DELETED = 9;
export const TIMELINE_CREATED = 0;

export const TimelineEntrySchema = z.object({
  itemID: idString,
  sectionID: idString.optional(),
  type: number.optional(),
  identifier: z.string().optional(),
  title: z.string().optional(),
  state: number,
  updatedAt: number.optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const ActivitySchema = z.object({
  uuid: z.string(),
  type: z.string(),
  title: z.string().optional(),
  subtitle: z.string().optional(),
  progress: number.optional(),
  cancellable: z.boolean().optional(),
  userID: number.optional(),
  Context: z.record(z.string(), z.unknown()).optional(),
});

export const ActivityNotificationSchema = z.object({
  event: z.enum(['started', 'updated', 'ended']),
  uuid: z.string(),
  Activity: ActivitySchema,
});
export type ActivityNotification = z.infer<typeof ActivityNotificationSchema>;

/** The container, by type; other types parse as `other` and are counted but not acted on. */
export const NotificationSchema = z.object({
  NotificationContainer: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('playing'),
      PlaySessionStateNotification: z.array(PlaySessionStateSchema).default([]),
    }),
    z.object({ type: z.literal('timeline'), TimelineEntry: z.array(TimelineEntrySchema).default([]) }),
    z.object({
      type: z.literal('activity'),
      ActivityNotification: z.array(ActivityNotificationSchema).default([]),
    }),
  ]),
});
export type PlexNotification = z.infer<typeof NotificationSchema>['NotificationContainer'];

/** The event types we ask Plex for (`filters=`): fewer bytes on the wire, nothing we would ignore. */
export const SUBSCRIBED_TYPES = ['playing', 'timeline', 'activity'] as const;

/** The section an activity is about (`Context.librarySectionID`), if it says. */
export function activitySection(activity: ActivityNotification): string | undefined {
  const value = activity.Activity.Context?.librarySectionID;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * Parses one SSE message. `undefined` for a type we do not act on (ping, status, ...); throws on a known type
 * whose body does not match (a broken or truncated message must not be acted on).
 */
export function parseNotification(eventType: string | undefined, data: string): PlexNotification | undefined {
  const json: unknown = JSON.parse(data);
  const type = (json as { NotificationContainer?: { type?: unknown } })?.NotificationContainer?.type;
  const effective = typeof type === 'string' ? type : eventType;
  if (!(SUBSCRIBED_TYPES as readonly string[]).includes(effective ?? '')) return undefined;
  return NotificationSchema.parse(json).NotificationContainer;
}
