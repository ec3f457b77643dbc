import type { AuthInfo } from '@modelcontextprotocol/server';
import { TOOL_CATEGORIES, type ToolCategory } from '../tools/tool-category.ts';

export type ScopeMap = Readonly<Record<ToolCategory, string>>;

const ALL_CATEGORIES: ReadonlySet<ToolCategory> = new Set(TOOL_CATEGORIES);

/**
 * The tool categories a request may see and run. No AuthInfo means the static bearer token (or stdio): every
 * category, as before OAuth existed. An OAuth token gets the categories whose scope it carries.
 */
export function allowedCategories(
  authInfo: AuthInfo | undefined,
  scopes: ScopeMap,
): ReadonlySet<ToolCategory> {
  if (authInfo === undefined) return ALL_CATEGORIES;
  const granted = new Set(authInfo.scopes);
  return new Set(TOOL_CATEGORIES.filter((category) => granted.has(scopes[category])));
}

/** A stable key for a set of categories, in TOOL_CATEGORIES order (e.g. "read,playback"). */
export function categoriesKey(categories: ReadonlySet<ToolCategory>): string {
  return TOOL_CATEGORIES.filter((c) => categories.has(c)).join(',');
}

/** Every scope this server understands, for the resource metadata's `scopes_supported` and 401 challenges. */
export function supportedScopes(scopes: ScopeMap): string[] {
  return [...new Set(TOOL_CATEGORIES.map((c) => scopes[c]))];
}
