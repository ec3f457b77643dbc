import type { AnyToolDefinition } from '../tools/define-tool.ts';
import { APP_OF_TOOL, appToolMeta, RESULT_TOOL_META } from './app-meta.ts';

/**
 * The tool with its view declared (`_meta.ui.resourceUri`) when it has one, and its results naming the tool
 * (`_meta["plexmcp.dev/tool"]`). Hosts without Apps ignore both and get the same text and structured result.
 */
export function withApp(tool: AnyToolDefinition): AnyToolDefinition {
  const resourceUri = APP_OF_TOOL[tool.name];
  if (!resourceUri) return tool;
  return {
    ...tool,
    meta: { ...tool.meta, ...appToolMeta(resourceUri) },
    async run(args, deps) {
      const outcome = await tool.run(args, deps);
      return { ...outcome, meta: { ...outcome.meta, [RESULT_TOOL_META]: tool.name } };
    },
  };
}
