// The MCP server's Deployment and Service.
import type { V1Container, V1Deployment, V1EnvVar, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { CONFIG_CHECKSUM_ANNOTATION, type PlexMcpServer } from '../../operator/api/v1alpha1/index.ts';
import { ENV } from '../../server/config/settings.ts';
import { usesBearerToken, usesConfirmTokenKey, usesSignInKey } from './auth-mode.ts';
import { configChecksum } from './checksum.ts';
import { DEFAULT_SERVER_RESOURCES, SERVER_CONTAINER_PORT, SERVER_PORT_NAME, SERVER_UID } from './defaults.ts';
import { childLabels, childMetadata, childNames, selectorLabels } from './names.ts';
import { containerResources } from './resources.ts';
import { serverTopologySpread } from './scaling.ts';
import { AUTH_TOKEN_KEY, CONFIRM_TOKEN_KEY_KEY, REDIS_PASSWORD_KEY, SIGN_IN_KEY_KEY } from './secrets.ts';
import { containerSecurityContext, podSecurityContext } from './security.ts';
import { serverConfigData } from './server-config.ts';

export interface ServerWorkloadInputs {
  /** Image used when spec.image is unset. */
  defaultServerImage: string;
  /** hashSecretData() of the referenced Secrets' values. */
  secretsChecksum: string;
}

/** Secrets reach the container only as secretKeyRef env: never in the ConfigMap, the spec or the status. */
function secretEnv(resource: PlexMcpServer): V1EnvVar[] {
  const { spec } = resource;
  const names = childNames(resource);
  const env: V1EnvVar[] = [
    // Containers must listen on the pod IP, not only loopback (the server's default is 127.0.0.1).
    { name: ENV.serverHost, value: '0.0.0.0' },
    {
      name: ENV.plexToken,
      valueFrom: { secretKeyRef: { name: spec.plex.tokenSecretRef.name, key: spec.plex.tokenSecretRef.key } },
    },
  ];
  // With auth.mode OAuth there is no static token (and no `<name>-auth` Secret).
  if (usesBearerToken(resource)) {
    env.push({
      name: ENV.authToken,
      valueFrom: { secretKeyRef: { name: names.authSecret, key: AUTH_TOKEN_KEY } },
    });
  }
  // One key for every replica, so a confirmation token minted by one pod is accepted by the next.
  if (usesConfirmTokenKey(resource)) {
    env.push({
      name: ENV.confirmTokenKey,
      valueFrom: { secretKeyRef: { name: names.authSecret, key: CONFIRM_TOKEN_KEY_KEY } },
    });
  }
  // Sign in with Plex: one key for every replica, so any pod opens the sign-ins another one stored.
  if (usesSignInKey(resource)) {
    env.push({
      name: ENV.plexSignInKey,
      valueFrom: { secretKeyRef: { name: names.authSecret, key: SIGN_IN_KEY_KEY } },
    });
  }
  if (spec.redis.mode === 'Managed') {
    env.push({
      name: ENV.redisPassword,
      valueFrom: { secretKeyRef: { name: names.redisSecret, key: REDIS_PASSWORD_KEY } },
    });
  }
  const externalPassword =
    spec.redis.mode === 'External' ? spec.redis.external?.passwordSecretRef : undefined;
  if (externalPassword) {
    env.push({
      name: ENV.redisPassword,
      valueFrom: { secretKeyRef: { name: externalPassword.name, key: externalPassword.key } },
    });
  }
  return env;
}

function serverContainer(resource: PlexMcpServer, inputs: ServerWorkloadInputs): V1Container {
  const { spec } = resource;
  const httpProbe = (path: string) => ({ httpGet: { path, port: 'http', scheme: 'HTTP' } });
  return {
    name: 'server',
    image: spec.image ?? inputs.defaultServerImage,
    ...(spec.imagePullPolicy ? { imagePullPolicy: spec.imagePullPolicy } : {}),
    // The image's entrypoint dispatches by program name; say which one explicitly (see Dockerfile).
    command: ['plex-mcp-server'],
    ports: [{ name: SERVER_PORT_NAME, containerPort: SERVER_CONTAINER_PORT, protocol: 'TCP' }],
    envFrom: [{ configMapRef: { name: childNames(resource).configMap } }],
    env: secretEnv(resource),
    // Startup allows a slow first Plex contact (up to 60 s) before liveness may restart the pod.
    startupProbe: {
      ...httpProbe('/health/startup'),
      periodSeconds: 2,
      timeoutSeconds: 2,
      failureThreshold: 30,
    },
    livenessProbe: {
      ...httpProbe('/health/live'),
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: {
      ...httpProbe('/health/ready'),
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
    resources: containerResources(spec.resources, DEFAULT_SERVER_RESOURCES),
    securityContext: containerSecurityContext(SERVER_UID),
    // The root filesystem is read-only; Node and its libraries may still want a scratch directory.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

function serverPodSpec(resource: PlexMcpServer, inputs: ServerWorkloadInputs): V1PodSpec {
  const scheduling = resource.spec.scheduling;
  const pod: V1PodSpec = {
    // The server never talks to the Kubernetes API: no token to steal.
    automountServiceAccountToken: false,
    // Service links would inject <SERVICE>_PORT-style variables; a Service named e.g. "plex" would
    // collide with the server's PLEX_* settings.
    enableServiceLinks: false,
    securityContext: podSecurityContext(SERVER_UID),
    terminationGracePeriodSeconds: 30,
    containers: [serverContainer(resource, inputs)],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
  if (scheduling?.nodeSelector) pod.nodeSelector = scheduling.nodeSelector;
  if (scheduling?.tolerations) pod.tolerations = scheduling.tolerations;
  if (scheduling?.affinity) pod.affinity = scheduling.affinity;
  if (scheduling?.priorityClassName) pod.priorityClassName = scheduling.priorityClassName;
  if (scheduling?.topologySpreadConstraints) {
    pod.topologySpreadConstraints =
      scheduling.topologySpreadConstraints as unknown as V1PodSpec['topologySpreadConstraints'];
  } else {
    const spread = serverTopologySpread(resource);
    if (spread) pod.topologySpreadConstraints = spread;
  }
  return pod;
}

export function renderServerDeployment(resource: PlexMcpServer, inputs: ServerWorkloadInputs): V1Deployment {
  const checksum = configChecksum(serverConfigData(resource), inputs.secretsChecksum);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(resource, childNames(resource).deployment, 'server'),
    spec: {
      // Omitted unless set: server-side apply then leaves the count to an HPA or `kubectl scale`.
      ...(resource.spec.replicas !== undefined ? { replicas: resource.spec.replicas } : {}),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(resource, 'server') },
      template: {
        metadata: {
          labels: childLabels(resource, 'server'),
          annotations: { [CONFIG_CHECKSUM_ANNOTATION]: checksum },
        },
        spec: serverPodSpec(resource, inputs),
      },
    },
  };
}

export function renderServerService(resource: PlexMcpServer): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(resource, childNames(resource).service, 'server'),
    spec: {
      type: resource.spec.service.type,
      selector: selectorLabels(resource, 'server'),
      ports: [
        {
          name: SERVER_PORT_NAME,
          port: resource.spec.service.port,
          targetPort: SERVER_PORT_NAME,
          protocol: 'TCP',
        },
      ],
    },
  };
}
