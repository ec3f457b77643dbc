/**
 * Resource update notifications for a connection that carries them itself (stdio): a 2025-era client subscribes
 * per URI (`resources/subscribe`, answered here), a 2026-07-28 client opens `subscriptions/listen`, which the SDK's
 * stdio entry serves and filters; either way the instance sends `notifications/resources/updated` and the entry
 * routes it. Over stateless HTTP the handler's event bus does this instead (http-push in app.ts), and 2025-era
 * HTTP clients have no stream to receive them on, so they are not offered subscriptions.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import type { ResourceNotifier } from './resource-notifier.ts';

export function pushOverConnection(
  server: McpServer,
  notifier: ResourceNotifier,
  era: 'legacy' | 'modern',
): void {
  const subscribed = new Set<string>();
  if (era === 'legacy') {
    server.server.setRequestHandler('resources/subscribe', async (request) => {
      subscribed.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler('resources/unsubscribe', async (request) => {
      subscribed.delete(request.params.uri);
      return {};
    });
  }
  const remove = notifier.addSink((uri) => {
    if (era === 'legacy' && !subscribed.has(uri)) return;
    if (server.server.transport === undefined) return;
    server.server.sendResourceUpdated({ uri }).catch(() => undefined);
  });
  const previous = server.server.onclose;
  server.server.onclose = () => {
    remove();
    previous?.();
  };
}
