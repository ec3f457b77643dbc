import { z } from 'zod';
import { freshnessFields } from '../domain/freshness.ts';
import { OnDeckItemSchema } from '../domain/on-deck.ts';
import { limitArg, userArg } from './arguments.ts';
import { defineTool } from './define-tool.ts';
import { describeItem, formatDuration, withWarning } from './format-text.ts';
import { freshnessOf } from './freshness.ts';
import { asHomeProfile, homePinArg, homeProfileOf } from './home-profile.ts';
import { withinAllowedLibraries } from './library-resolver.ts';
import { loadPeople, resolvePerson } from './people.ts';
import { ToolError } from './tool-error.ts';

/** What the cache holds: checked when read back (a bad shared-Redis entry is a miss). */
const CachedOnDeckSchema = z.object({
  /** The plex.tv account PLEX_TOKEN belongs to: On Deck is that account's list. */
  owner: z.string().optional(),
  items: z.array(OnDeckItemSchema),
});
type OnDeck = z.infer<typeof CachedOnDeckSchema>;

export const getOnDeckTool = defineTool({
  name: 'get_on_deck',
  title: 'On Deck',
  description:
    'Continue watching: partly watched items with resume positions, and next episodes of shows in progress. ' +
    "The token owner's list; user may name the owner or a profile of the owner's Plex Home.",
  input: z.strictObject({
    user: userArg("The token owner, or a profile of the owner's Plex Home").optional(),
    pin: homePinArg().optional(),
    limit: limitArg(25, 10),
  }),
  output: z.object({
    user: z.string().optional(),
    count: z.number().int().nonnegative(),
    items: z.array(OnDeckItemSchema),
    ...freshnessFields,
  }),
  category: 'read',
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, deps) {
    // `user` naming a profile of the owner's Plex Home: answered as that profile (its own On Deck: Plex keeps one
    // per account, and the owner's token only ever returns the owner's). The owner, or a name this server knows
    // that is no Home profile, is answered or refused without it.
    if (args.pin !== undefined && args.user === undefined)
      throw new ToolError(
        'invalid_request',
        'pin: goes with user, the PIN-protected Home profile it unlocks.',
        {
          field: 'pin',
        },
      );
    // Not a person this server knows: kept, to answer (it lists who there is) unless the name is a Home profile.
    let unknownPerson: ToolError | undefined;
    const person =
      args.user === undefined
        ? undefined
        : await resolvePerson(args.user, deps).catch((error: unknown) => {
            if (!(error instanceof ToolError && error.code === 'not_found')) throw error;
            unknownPerson = error;
            return undefined;
          });
    const asProfile =
      args.user !== undefined && !person?.owner ? await homeProfileOf(args.user, args.pin, deps) : undefined;
    if (unknownPerson !== undefined && asProfile === undefined) throw unknownPerson;
    const load = () =>
      deps.cache.getOrLoad(
        'onDeck',
        { limit: args.limit },
        async (): Promise<OnDeck> => {
          const [info, items] = await Promise.all([
            deps.plex.getServerInfo(),
            deps.plex.getOnDeck({ limit: args.limit }),
          ]);
          return { owner: asProfile?.name ?? info.owner, items };
        },
        CachedOnDeckSchema,
      );
    const lookup = await asHomeProfile(asProfile, load);
    const { owner } = lookup.value;
    if (person !== undefined && !person.owner && asProfile === undefined) {
      // One identity per person: the owner's account name (as sessions and history show it), user name or email.
      const ownerName = (await loadPeople(deps)).value.find((p) => p.owner)?.name ?? owner;
      throw new ToolError(
        'invalid_request',
        `user: On Deck is only available for "${ownerName}"${owner && owner !== ownerName ? ` (${owner})` : ''}, ` +
          `the account the server's Plex token belongs to, and the profiles of its Plex Home; "${person.name}" is another account.`,
        { field: 'user', available_user: ownerName },
      );
    }
    const items = await withinAllowedLibraries(lookup.value.items, (i) => i.library_id, deps);
    const { fields, warning } = freshnessOf(lookup);
    const text =
      items.length === 0
        ? 'On Deck is empty.'
        : [
            `${items.length} item(s) on deck:`,
            ...items.map((i) =>
              i.position_ms > 0
                ? `- ${describeItem(i)} at ${formatDuration(i.position_ms)} of ${formatDuration(i.duration_ms)}`
                : `- ${describeItem(i)} (next up)`,
            ),
          ].join('\n');
    return {
      structured: { ...(owner ? { user: owner } : {}), count: items.length, items, ...fields },
      text: withWarning(text, warning),
      source: lookup.source,
    };
  },
});
