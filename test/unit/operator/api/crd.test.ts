import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_FILE, renderCrdYaml } from '../../../../cdk8s/crd/render-crd.ts';
import { buildPlexMcpServerCrd, type JSONSchemaProps } from '../../../../operator/api/v1alpha1/index.ts';

type Version = {
  schema: { openAPIV3Schema: JSONSchemaProps };
  additionalPrinterColumns: { name: string; jsonPath: string }[];
};
const crd = buildPlexMcpServerCrd();
const version = (crd.spec.versions as Version[])[0] as Version;
const root = version.schema.openAPIV3Schema;

/** Every node of the schema with its path, skipping the opaque metadata. */
function walk(node: JSONSchemaProps, path: string, visit: (node: JSONSchemaProps, path: string) => void) {
  visit(node, path);
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JSONSchemaProps>)) {
    if (path === '' && key === 'metadata') continue;
    walk(child, `${path}.${key}`, visit);
  }
  if (node.items) walk(node.items as JSONSchemaProps, `${path}[]`, visit);
  if (typeof node.additionalProperties === 'object')
    walk(node.additionalProperties as JSONSchemaProps, `${path}.*`, visit);
}

describe('PlexMcpServer CRD', () => {
  it('is identical to the checked-in crds/ file (run `npm run crds` after changing the API)', () => {
    expect(readFileSync(CRD_FILE, 'utf8')).toBe(renderCrdYaml());
    expect(parse(readFileSync(CRD_FILE, 'utf8'))).toEqual(JSON.parse(JSON.stringify(crd)));
  });

  it('describes every field so kubectl explain reads well', () => {
    const missing: string[] = [];
    walk(root, '', (node, path) => {
      if (typeof node.description !== 'string' || node.description.length < 10)
        missing.push(path || '<root>');
    });
    expect(missing).toEqual([]);
  });

  it('bounds every string and list that CEL or clients read', () => {
    const unbounded: string[] = [];
    walk(root, '', (node, path) => {
      if (path.startsWith('.apiVersion') || path.startsWith('.kind')) return;
      if (node.type === 'string' && node.enum === undefined && node.maxLength === undefined)
        unbounded.push(path);
      if (node.type === 'array' && node.maxItems === undefined) unbounded.push(path);
    });
    expect(unbounded).toEqual([]);
  });

  it('is structural: every node typed, no anyOf/oneOf/$ref', () => {
    const text = JSON.stringify(root);
    for (const keyword of ['"anyOf"', '"oneOf"', '"allOf"', '"$ref"', '"propertyNames"'])
      expect(text).not.toContain(keyword);
    walk(root, '', (node, path) => {
      const typed = typeof node.type === 'string' || node['x-kubernetes-int-or-string'] === true;
      if (!typed) throw new Error(`${path} has no type`);
    });
  });

  it('carries the CEL rules with clear messages', () => {
    const rules: { rule: string; message: string }[] = [];
    walk(root, '', (node) => rules.push(...((node['x-kubernetes-validations'] ?? []) as typeof rules)));
    const messages = rules.map((r) => r.message);
    expect(messages).toContain('redis.external.url is required when redis.mode is External');
    expect(messages).toContain('redis.external may only be set when redis.mode is External');
    expect(messages.filter((m) => m.startsWith('cache.ttlSeconds.'))).toHaveLength(6);
    expect(rules.find((r) => r.message.startsWith('plex.url'))?.rule).toBe(
      "isURL(self) && url(self).getScheme() in ['http', 'https']",
    );
  });

  it('has defaults, enums and bounds from the zod source', () => {
    const spec = (root.properties as Record<string, JSONSchemaProps>).spec as JSONSchemaProps;
    const props = spec.properties as Record<string, JSONSchemaProps>;
    const redis = props.redis as JSONSchemaProps;
    expect(redis.default).toEqual({ mode: 'Managed' });
    expect((redis.properties as Record<string, JSONSchemaProps>).mode).toMatchObject({
      default: 'Managed',
      enum: ['Managed', 'External', 'Disabled'],
    });
    expect(props.replicas).toMatchObject({ type: 'integer', minimum: 0 });
    expect(props.replicas?.default).toBeUndefined();
    expect(spec.required).toEqual(['plex']);
  });

  it('has names, printer columns and the status subresource', () => {
    expect(crd.metadata.name).toBe('plexmcpservers.plexmcp.dev');
    expect(crd.spec.names).toMatchObject({
      kind: 'PlexMcpServer',
      shortNames: ['pms'],
      categories: ['plex', 'mcp'],
    });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(version.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'Ready',
      'Reason',
      'Endpoint',
      'Auth',
      'Public',
      'Replicas',
      'Age',
    ]);
    expect(version.additionalPrinterColumns[0]?.jsonPath).toBe(
      '.status.conditions[?(@.type=="Ready")].status',
    );
    expect((crd.spec.versions as { subresources: unknown }[])[0]?.subresources).toEqual({ status: {} });
  });
});
