import { describe, expect, it } from 'vitest';
import { isCidr, parsePlexMcpServer } from '../../../../operator/api/v1alpha1/index.ts';
import { acceptedPlatformSpec, refusedPlatformSpecs } from '../../../support/platform-spec-cases.ts';

const resource = (spec: Record<string, unknown>) => ({
  apiVersion: 'plexmcp.dev/v1alpha1',
  kind: 'PlexMcpServer',
  metadata: { name: 'den', namespace: 'media' },
  spec,
});

describe('spec.networkPolicy, gateway, ingress, autoscaling, monitoring', () => {
  it('accepts a full spec and fills the defaults', () => {
    const parsed = parsePlexMcpServer(resource(acceptedPlatformSpec));
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const { spec } = parsed.value;
    expect(spec.networkPolicy.enabled).toBe(true);
    expect(spec.gateway?.path).toBe('/mcp');
    expect(spec.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 4, targetCPUUtilization: 80 });
    expect(spec.monitoring?.interval).toBe('30s');
  });

  it('turns the NetworkPolicy on when the field is absent', () => {
    const parsed = parsePlexMcpServer(resource({ plex: acceptedPlatformSpec.plex }));
    expect(parsed.ok && parsed.value.spec.networkPolicy).toEqual({ enabled: true });
  });

  for (const refused of refusedPlatformSpecs) {
    it(`refuses ${refused.what}`, () => {
      const parsed = parsePlexMcpServer(resource(refused.spec));
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.errors.join('\n')).toContain(refused.message);
    });
  }

  it('reads CIDRs as CEL isCIDR does', () => {
    for (const good of ['10.0.0.0/8', '192.168.1.10/32', '0.0.0.0/0', 'fd00::/8', '::1/128'])
      expect(isCidr(good), good).toBe(true);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'plex/24', '10.0.0.0/x', ''])
      expect(isCidr(bad), bad).toBe(false);
  });
});
