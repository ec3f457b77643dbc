// renderPlexMcpServer: the function the controller calls on every reconcile. Pure and deterministic
// (same resource and inputs → identical objects), so server-side apply of an unchanged resource is a no-op.
import type { KubernetesObject } from '@kubernetes/client-node';
import { App, Chart } from 'cdk8s';
import type { PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import type { RenderInputs } from './children.ts';
import { PlexMcpServerChildren } from './construct.ts';

export function renderPlexMcpServer(resource: PlexMcpServer, inputs: RenderInputs): KubernetesObject[] {
  // A throw-away App: nothing is written to disk unless app.synth() is called, which we never do here.
  const chart = new Chart(new App(), 'plex-mcp-server', { disableResourceNameHashes: true });
  new PlexMcpServerChildren(chart, resource.metadata.name, { resource, inputs });
  return chart.toJson() as KubernetesObject[];
}
