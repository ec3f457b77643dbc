// Turns a rendered Kubernetes container (with its pod spec and the ConfigMaps/Secrets it reads) into podman flags,
// so the smoke test runs the image with exactly what the operator renders, not with a second copy of the settings.
// Only what our manifests use is supported; anything else is refused by name rather than silently dropped.
import type { KubernetesObject, V1Container, V1PodSpec } from '@kubernetes/client-node';
import { memoryBytes } from '../../cdk8s/plex-mcp-server/quantity.ts';

export interface PodmanContainerPlan {
  /** Flags for `podman run` (security, mounts, resources, entrypoint); the image and args go after them. */
  flags: string[];
  /** Environment for an --env-file (kept off the command line: some values are secrets). */
  env: Record<string, string>;
  /** `args` after kubelet's $(VAR) expansion. */
  args: string[];
  /** Named container ports. */
  ports: Record<string, number>;
  /** What the flags promise, for the checks made from /proc inside the container. */
  expect: {
    uid: number;
    gid: number;
    supplementaryGroups: number[];
    noNewPrivileges: boolean;
    allCapabilitiesDropped: boolean;
    seccomp: 'RuntimeDefault' | 'Unconfined';
    readOnlyRoot: boolean;
    memoryLimitBytes?: number;
  };
}

type Lookup = (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined;

/** What the downward API (env valueFrom.fieldRef) reads: the pod's own name and namespace. */
export interface PodIdentity {
  name: string;
  namespace: string;
}

/** ConfigMap data and (base64-decoded) Secret data of the given objects, by kind and name. */
export function lookupIn(objects: KubernetesObject[]): Lookup {
  return (kind, name) => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name) as
      | (KubernetesObject & { data?: Record<string, string>; stringData?: Record<string, string> })
      | undefined;
    if (!found) return undefined;
    if (kind === 'ConfigMap') return found.data ?? {};
    const decoded = Object.fromEntries(
      Object.entries(found.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    return { ...decoded, ...(found.stringData ?? {}) };
  };
}

function bytes(quantity: string | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  const value = memoryBytes(quantity);
  if (value === undefined) throw new Error(`not a memory quantity: ${quantity}`);
  return Math.round(value);
}

function cpus(quantity: string): string {
  return quantity.endsWith('m') ? String(Number(quantity.slice(0, -1)) / 1000) : quantity;
}

function fieldValue(fieldPath: string, pod: PodIdentity, container: string): string {
  if (fieldPath === 'metadata.name') return pod.name;
  if (fieldPath === 'metadata.namespace') return pod.namespace;
  throw new Error(`container ${container}: fieldRef ${fieldPath} is not supported here`);
}

function resolveEnv(container: V1Container, lookup: Lookup, pod: PodIdentity): Record<string, string> {
  const env: Record<string, string> = {};
  const need = (kind: 'ConfigMap' | 'Secret', name: string) => {
    const data = lookup(kind, name);
    if (!data) throw new Error(`container ${container.name} reads ${kind} ${name}, which was not rendered`);
    return data;
  };
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, need('ConfigMap', from.configMapRef.name as string));
    else if (from.secretRef) Object.assign(env, need('Secret', from.secretRef.name as string));
    else throw new Error(`container ${container.name}: unsupported envFrom entry`);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref?.secretKeyRef || ref?.configMapKeyRef) {
      const kind = ref.secretKeyRef ? 'Secret' : 'ConfigMap';
      const key = (ref.secretKeyRef ?? ref.configMapKeyRef) as { name: string; key: string };
      const value = need(kind, key.name)[key.key];
      if (value === undefined) throw new Error(`${kind} ${key.name} has no key ${key.key}`);
      env[variable.name] = value;
    } else if (ref?.fieldRef) {
      env[variable.name] = fieldValue(ref.fieldRef.fieldPath, pod, container.name);
    } else throw new Error(`container ${container.name}: env ${variable.name} has an unsupported source`);
  }
  return env;
}

/** kubelet's $(VAR) expansion of command and args ($$ escapes). */
export function expandVariables(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) =>
    name === undefined ? '$' : (env[name] ?? match),
  );
}

export function planContainer(
  pod: V1PodSpec,
  container: V1Container,
  lookup: Lookup,
  identity: PodIdentity = { name: container.name, namespace: 'default' },
): PodmanContainerPlan {
  const podSc = pod.securityContext ?? {};
  const sc = container.securityContext ?? {};
  const flags: string[] = [];
  const uid = sc.runAsUser ?? podSc.runAsUser;
  const gid = sc.runAsGroup ?? podSc.runAsGroup ?? uid;
  if (uid === undefined) throw new Error(`container ${container.name}: no runAsUser rendered`);
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) && uid === 0) {
    throw new Error(`container ${container.name}: runAsNonRoot with runAsUser 0`);
  }
  flags.push('--user', `${uid}:${gid}`);
  const supplementaryGroups = [
    ...(podSc.supplementalGroups ?? []),
    ...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : []),
  ];
  for (const group of supplementaryGroups) flags.push('--group-add', String(group));

  if (sc.privileged) flags.push('--privileged');
  const noNewPrivileges = sc.allowPrivilegeEscalation === false;
  if (noNewPrivileges) flags.push('--security-opt', 'no-new-privileges');
  const drop = sc.capabilities?.drop ?? [];
  const add = sc.capabilities?.add ?? [];
  for (const cap of drop) flags.push(`--cap-drop=${cap}`);
  for (const cap of add) flags.push(`--cap-add=${cap}`);
  const seccompType = sc.seccompProfile?.type ?? podSc.seccompProfile?.type ?? 'RuntimeDefault';
  if (seccompType === 'Unconfined') flags.push('--security-opt', 'seccomp=unconfined');
  else if (seccompType !== 'RuntimeDefault') {
    throw new Error(`container ${container.name}: seccomp profile ${seccompType} is not supported here`);
  }
  const readOnlyRoot = sc.readOnlyRootFilesystem === true;
  if (readOnlyRoot) flags.push('--read-only', '--read-only-tmpfs=false');

  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume?.emptyDir)
      throw new Error(`container ${container.name}: volume ${mount.name} is not an emptyDir`);
    const size = bytes(volume.emptyDir.sizeLimit as string | undefined);
    // An emptyDir is writable by the pod's users whatever their uid; 1777 gives the same in a tmpfs.
    flags.push('--tmpfs', `${mount.mountPath}:rw,mode=1777${size ? `,size=${size}` : ''}`);
  }

  const limits = (container.resources?.limits ?? {}) as Record<string, string>;
  const memoryLimitBytes = bytes(limits.memory);
  if (memoryLimitBytes)
    flags.push('--memory', String(memoryLimitBytes), '--memory-swap', String(memoryLimitBytes));
  if (limits.cpu) flags.push('--cpus', cpus(limits.cpu));

  const env = resolveEnv(container, lookup, identity);
  if (container.command?.length) {
    flags.push('--entrypoint', JSON.stringify(container.command.map((c) => expandVariables(c, env))));
  }
  const ports = Object.fromEntries(
    (container.ports ?? []).filter((p) => p.name).map((p) => [p.name as string, p.containerPort]),
  );
  return {
    flags,
    env,
    args: (container.args ?? []).map((a) => expandVariables(a, env)),
    ports,
    expect: {
      uid,
      gid: gid as number,
      supplementaryGroups,
      noNewPrivileges,
      allCapabilitiesDropped: drop.includes('ALL') && add.length === 0,
      seccomp: seccompType as 'RuntimeDefault' | 'Unconfined',
      readOnlyRoot,
      ...(memoryLimitBytes ? { memoryLimitBytes } : {}),
    },
  };
}
