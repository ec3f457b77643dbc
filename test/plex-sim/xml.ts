// Minimal XML rendering of the same data the JSON responses carry, for clients that do not send
// `Accept: application/json` (PMS's default is XML). It follows PMS's mapping: scalar fields become
// attributes, arrays become repeated child elements, and `Metadata[]` entries become <Video>, <Track>,
// <Photo> or <Directory> by item type. It is good enough to look like PMS, not a full fidelity copy.

const METADATA_ELEMENT: Record<string, string> = {
  movie: 'Video',
  episode: 'Video',
  clip: 'Video',
  track: 'Track',
  photo: 'Photo',
};

function escapeAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\n', '&#10;');
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return undefined;
}

function element(name: string, body: Record<string, unknown>): string {
  const attributes: string[] = [];
  const children: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const entry of value) {
        if (entry === null || typeof entry !== 'object') continue;
        const entryObject = entry as Record<string, unknown>;
        const childName =
          key === 'Metadata' ? (METADATA_ELEMENT[String(entryObject.type)] ?? 'Directory') : key;
        children.push(element(childName, entryObject));
      }
    } else if (typeof value === 'object') {
      children.push(element(key, value as Record<string, unknown>));
    } else {
      const text = scalarText(value);
      if (text !== undefined) attributes.push(`${key}="${escapeAttribute(text)}"`);
    }
  }
  const open = attributes.length > 0 ? `<${name} ${attributes.join(' ')}` : `<${name}`;
  return children.length > 0 ? `${open}>${children.join('')}</${name}>` : `${open}/>`;
}

/** Renders a `{ MediaContainer: {...} }` (or any single-root) body as an XML document. */
export function toXml(body: Record<string, unknown>): string {
  const [rootName, rootValue] = Object.entries(body)[0] ?? ['MediaContainer', {}];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(rootName, (rootValue ?? {}) as Record<string, unknown>)}\n`;
}
