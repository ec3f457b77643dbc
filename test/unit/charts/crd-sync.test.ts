// The chart's CRD template is generated from crds/ by `npm run chart:sync-crds`; this fails on drift,
// and checks the generator itself on inputs of its own.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartCrdDrift, crdToChartTemplate, syncChartCrds } from '../../../charts/sync-crds.ts';

describe('chart CRDs', () => {
  it('match crds/ (run `npm run chart:sync-crds` after `npm run crds`)', () => {
    expect(chartCrdDrift()).toEqual([]);
  });
});

describe('crdToChartTemplate', () => {
  const crd = [
    '# generated elsewhere',
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.dev',
    'spec:',
    '  group: example.dev',
    '  versions:',
    '    - name: v1',
    '      schema:',
    '        openAPIV3Schema:',
    '          description: "Use {{ braces }} literally"',
    '',
  ].join('\n');

  it('wraps the CRD in crds.install, adds the keep annotation under crds.keep, and escapes template braces', () => {
    const template = crdToChartTemplate(crd, 'widgets.yaml');
    const lines = template.trimEnd().split('\n');
    expect(lines[0]).toBe('{{- if .Values.crds.install }}');
    expect(lines.at(-1)).toBe('{{- end }}');
    expect(template).toContain(
      '  annotations:\n    {{- if .Values.crds.keep }}\n    helm.sh/resource-policy: keep\n    {{- end }}',
    );
    expect(template).toContain('Use {{ `{{` }} braces }} literally');
    // What helm renders from it (when both flags are on) is the original CRD plus the annotation.
    const rendered = template.replace(/^\s*\{\{-.*\}\}\n/gm, '').replaceAll('{{ `{{` }}', '{{');
    expect(parse(rendered)).toMatchObject({
      metadata: { name: 'widgets.example.dev', annotations: { 'helm.sh/resource-policy': 'keep' } },
      spec: { versions: [{ schema: { openAPIV3Schema: { description: 'Use {{ braces }} literally' } } }] },
    });
    expect(template).not.toContain('generated elsewhere');
  });

  it('refuses anything but a CRD', () => {
    expect(() =>
      crdToChartTemplate('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'cm.yaml'),
    ).toThrow(/only CustomResourceDefinitions/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'crd-sync-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports missing, stale and extra files, and sync repairs them', () => {
    const source = join(dir, 'src');
    const target = join(dir, 'out');
    // No source folder: nothing expected, nothing written.
    expect(syncChartCrds(join(dir, 'none'), target)).toEqual([]);
    expect(chartCrdDrift(join(dir, 'none'), target)).toEqual([]);
    mkdirSync(source);
    writeFileSync(join(source, 'widgets.yaml'), crd);
    expect(chartCrdDrift(source, target)).toEqual(['missing widgets.yaml']);
    syncChartCrds(source, target);
    expect(chartCrdDrift(source, target)).toEqual([]);
    writeFileSync(join(source, 'widgets.yaml'), crd.replace('widgets.example.dev', 'gadgets.example.dev'));
    writeFileSync(join(target, 'old.yaml'), 'x: 1\n');
    expect(chartCrdDrift(source, target).sort()).toEqual(['extra old.yaml', 'stale widgets.yaml']);
    syncChartCrds(source, target);
    expect(chartCrdDrift(source, target)).toEqual([]);
    expect(readFileSync(join(target, 'widgets.yaml'), 'utf8')).toContain('name: gadgets.example.dev');
  });
});
