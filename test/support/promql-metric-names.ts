// The metric names a PromQL expression reads, for checking dashboards and alert rules against real scrapes.
// Not a PromQL parser: it removes what cannot be a metric name (strings, label matchers, ranges, grouping label
// lists, numbers), then keeps the identifiers that are not functions or keywords.

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings (label values, label_values() arguments aside)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(')) continue; // a function call
    if (KEYWORDS.has(name.toLowerCase())) continue;
    // label_values(metric, label): the second argument is a label
    const before = stripped.slice(0, match.index).trimEnd();
    if (before.endsWith(',') && /label_values\s*\([^,()]*,\s*$/.test(stripped.slice(0, match.index ?? 0)))
      continue;
    names.add(name);
  }
  return [...names];
}

/**
 * The series names a Prometheus text exposition offers: each family from `# TYPE`, plus the _bucket/_sum/_count
 * series of histograms and the _sum/_count of summaries (present even before the first observation).
 */
export function exposedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      if (kind === 'summary') for (const suffix of ['_sum', '_count']) names.add(name + suffix);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (sample?.[1]) names.add(sample[1]);
  }
  return names;
}
