import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderManifestsYaml } from '../../../../cdk8s/render/render-manifests.ts';

const example = readFileSync('examples/plexmcpserver.yaml', 'utf8');
const options = { namespace: 'default', defaultServerImage: 'plex-mcp:0.1.0' };

/** Parses like Kubernetes does: YAML 1.1, where a bare `no` would be the boolean false. */
function parseAsKubernetes(text: string) {
  return parseAllDocuments(text, { version: '1.1' }).map(
    // biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered JSON; the shapes are asserted.
    (d) => d.toJS() as { kind: string; metadata: { name: string }; [k: string]: any },
  );
}

describe('renderManifestsYaml (npm run render)', () => {
  it('renders the example into every child including the generated Secrets, with a warning comment on each Secret', () => {
    const text = renderManifestsYaml(example, options);
    const docs = parseAsKubernetes(text);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/living-room-config',
      'Secret/living-room-auth',
      'Secret/living-room-redis',
      'NetworkPolicy/living-room-redis',
      'Service/living-room-redis',
      'Deployment/living-room-redis',
      'NetworkPolicy/living-room-server',
      'Service/living-room',
      'Deployment/living-room',
    ]);
    expect(text.match(/# GENERATED SECRET/g)).toHaveLength(2);
    const auth = Buffer.from(docs[1]?.data.AUTH_TOKEN, 'base64').toString();
    expect(auth.length).toBeGreaterThanOrEqual(32);
    // Kubernetes reads YAML 1.1: Redis' "no" must stay a string.
    expect(docs[5]?.spec.template.spec.containers[0].args).toContain('no');
    // The example's own namespace wins over the default.
    for (const d of docs) expect(d.metadata).toMatchObject({ namespace: 'media' });
  });

  it('keeps given credentials, so a re-render is identical, and rolls pods when the token data changes', () => {
    const stable = {
      ...options,
      authToken: 'a'.repeat(43),
      confirmKey: 'c'.repeat(43),
      redisPassword: 'r'.repeat(43),
      tokenSecretData: 't1',
    };
    const first = renderManifestsYaml(example, stable);
    expect(renderManifestsYaml(example, stable)).toBe(first);
    const rotated = renderManifestsYaml(example, { ...stable, tokenSecretData: 't2' });
    const checksum = (text: string) =>
      parseAsKubernetes(text).find((d) => d.kind === 'Deployment' && d.metadata.name === 'living-room')?.spec
        .template.metadata.annotations['plexmcp.dev/config-checksum'];
    expect(checksum(rotated)).not.toBe(checksum(first));
    expect(rotated).not.toContain('t2');
  });

  it('applies the default namespace to resources without one and skips other kinds', () => {
    const input = `apiVersion: v1\nkind: Secret\nmetadata: {name: plex-token}\n---\napiVersion: plexmcp.dev/v1alpha1\nkind: PlexMcpServer\nmetadata: {name: den}\nspec:\n  plex: {url: "https://plex.example.com", tokenSecretRef: {name: plex-token}}\n  redis: {mode: Disabled}\n`;
    const docs = parseAsKubernetes(renderManifestsYaml(input, { ...options, namespace: 'home' }));
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/den-config',
      'Secret/den-auth',
      'NetworkPolicy/den-server',
      'Service/den',
      'Deployment/den',
    ]);
    for (const d of docs) expect(d.metadata).toMatchObject({ namespace: 'home' });
  });

  it('refuses an invalid resource with the readable error list', () => {
    const bad = example.replace('http://192.168.1.10:32400', 'ftp://nas');
    expect(() => renderManifestsYaml(bad, options)).toThrow(
      /living-room is invalid:\n {2}spec\.plex\.url: plex\.url must be/,
    );
    expect(() => renderManifestsYaml('kind: ConfigMap\n', options)).toThrow(/no PlexMcpServer found/);
  });
});
