import { z } from 'zod';
import type { CacheLookup } from '../cache/tool-cache.ts';
import { looseName } from './arguments.ts';
import type { ToolDeps } from './tool-deps.ts';
import { ToolError } from './tool-error.ts';

/** One person with every name they go by on this server. */
const PersonSchema = z.object({
  accountId: z.string(),
  name: z.string(),
  /** The server owner: the account PLEX_TOKEN belongs to (PMS account id 1). */
  owner: z.boolean(),
  /** Account name, plus the owner's plex.tv user name or email. */
  aliases: z.array(z.string()),
});
export type Person = z.infer<typeof PersonSchema>;

/** PMS gives the server owner account id 1 (REFERENCE.md §3.9: "accountID=1"). */
const OWNER_ACCOUNT_ID = '1';

export function loadPeople(deps: ToolDeps): Promise<CacheLookup<Person[]>> {
  return deps.cache.getOrLoad(
    'accounts',
    {},
    async () => {
      const [accounts, info] = await Promise.all([deps.plex.listAccounts(), deps.plex.getServerInfo()]);
      return accounts.map((a) => {
        const owner = a.id === OWNER_ACCOUNT_ID;
        const aliases = [a.name];
        if (owner && info.owner) aliases.push(info.owner, info.owner.split('@')[0] ?? info.owner);
        return { accountId: a.id, name: a.name, owner, aliases: [...new Set(aliases)] };
      });
    },
    z.array(PersonSchema),
  );
}

/** Whether `name` (a session's user, an argument) is one of this person's names, ignoring case and spacing. */
export function isNameOf(person: Person, name: string): boolean {
  const wanted = looseName(name);
  return person.aliases.some((alias) => looseName(alias) === wanted);
}

/** The person a `user` argument names (user name, title or email); not_found lists who there is. */
export async function resolvePerson(reference: string, deps: ToolDeps): Promise<Person> {
  const people = (await loadPeople(deps)).value;
  const found = people.find((p) => isNameOf(p, reference));
  if (!found) {
    throw new ToolError(
      'not_found',
      `user: no account "${reference}" on this server. Accounts: ${people.map((p) => p.name).join(', ') || 'none'}.`,
      { field: 'user', users: people.map((p) => p.name) },
    );
  }
  return found;
}
