// YAML output for kubectl and GitOps tools. Kubernetes' YAML reader follows YAML 1.1, where a bare
// `no`, `yes`, `on` or `off` is a boolean: a Redis argument "no" must be written quoted, so every
// manifest we write is stringified with 1.1 rules.
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0 });
}

/** A multi-document stream; each document may carry a comment block above it. */
export function toYamlDocuments(documents: { comment?: string; object: unknown }[]): string {
  return documents
    .map(({ comment, object }) => {
      const commentLines = comment
        ? `${comment
            .split('\n')
            .map((line) => `# ${line}`.trimEnd())
            .join('\n')}\n`
        : '';
      return `---\n${commentLines}${toYaml(object)}`;
    })
    .join('');
}
