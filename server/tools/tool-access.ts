import type { WriteAccess } from '../config/env-schema.ts';
import { type ConfirmTokens, createConfirmTokens } from './confirm-token.ts';
import type { ToolCategory } from './tool-category.ts';

/** The write policy the tools enforce (from WRITE_ACCESS, PLEX_LIBRARIES and CONFIRM_TOKEN_KEY). */
export interface ToolAccess {
  writeAccess: WriteAccess;
  /** Library names or ids; empty = every library. */
  libraries: readonly string[];
  confirm: ConfirmTokens;
}

/** Which tool categories each WRITE_ACCESS level lists: reads always, playback unless none, library only at library. */
const ALLOWED: Record<WriteAccess, readonly ToolCategory[]> = {
  none: ['read'],
  playback: ['read', 'playback'],
  library: ['read', 'playback', 'library'],
};

export function isToolAllowed(category: ToolCategory, writeAccess: WriteAccess): boolean {
  return ALLOWED[writeAccess].includes(category);
}

/** The policy from the validated settings (config.tools). */
export function toolAccessOf(settings: {
  writeAccess: WriteAccess;
  libraries: readonly string[];
  confirmKey: string | undefined;
}): ToolAccess {
  return {
    writeAccess: settings.writeAccess,
    libraries: settings.libraries,
    confirm: createConfirmTokens(settings.confirmKey),
  };
}
