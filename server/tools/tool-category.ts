/**
 * What a tool touches, which decides the OAuth scope a caller needs for it (server/auth/scopes.ts):
 * - `read`: looks at the library and sessions, changes nothing;
 * - `playback`: controls players (pause, seek, stop...);
 * - `library`: changes library state (watch state, playlists, ratings).
 * Every tool definition names one; with the static bearer token every category is available.
 */
export const TOOL_CATEGORIES = ['read', 'playback', 'library'] as const;
export type ToolCategory = (typeof TOOL_CATEGORIES)[number];
