/**
 * The control plane's own PKI, made with the openssl CLI (node:crypto can make keys but not X.509 certificates).
 * One CA signs the API server's serving certificate and one client certificate per component; RBAC then sees
 * each component under the user name Kubernetes' bootstrap roles expect (system:kube-controller-manager,
 * system:kube-scheduler). A separate RSA key signs ServiceAccount tokens.
 *
 * Nothing here is a secret worth protecting: it lives in a throwaway state dir for a test cluster on loopback.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  certFile: string;
  keyFile: string;
}

export interface ControlPlanePki {
  dir: string;
  caCertFile: string;
  caKeyFile: string;
  apiServer: KeyPair;
  /** system:masters: full access for humans, tests and kwok. */
  admin: KeyPair;
  controllerManager: KeyPair;
  scheduler: KeyPair;
  kwok: KeyPair;
  /** The API server's identity towards extension API servers (aggregation layer). */
  frontProxyClient: KeyPair;
  serviceAccountKeyFile: string;
  serviceAccountPublicKeyFile: string;
}

/** SANs of the API server's certificate: loopback for us, the in-cluster names for anything that resolves them. */
function apiServerSans(serviceIp: string): string {
  const dns = [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ];
  return [...dns.map((d) => `DNS:${d}`), 'IP:127.0.0.1', `IP:${serviceIp}`].join(',');
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`);
  }
}

async function ecKey(file: string): Promise<void> {
  // P-256 keys are generated in milliseconds (RSA-2048 takes noticeably longer, times six).
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

/** Issues a leaf certificate signed by the CA: CSR first, then `x509 -req` with only the extensions we list. */
async function issue(
  dir: string,
  name: string,
  subject: string,
  extensions: string[],
  ca: { certFile: string; keyFile: string },
): Promise<KeyPair> {
  const keyFile = path.join(dir, `${name}.key`);
  const csrFile = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  const certFile = path.join(dir, `${name}.crt`);
  await ecKey(keyFile);
  await openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', csrFile]);
  await writeFile(extFile, `${extensions.join('\n')}\n`);
  await openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '3650',
    '-sha256',
    '-extfile',
    extFile,
    '-out',
    certFile,
  ]);
  return { certFile, keyFile };
}

function clientExtensions(): string[] {
  return [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
  ];
}

export async function createControlPlanePki(dir: string, serviceIp: string): Promise<ControlPlanePki> {
  await mkdir(dir, { recursive: true });
  const caKeyFile = path.join(dir, 'ca.key');
  const caCertFile = path.join(dir, 'ca.crt');
  await ecKey(caKeyFile);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    caKeyFile,
    '-subj',
    '/CN=plex-mcp-test-ca',
    '-days',
    '3650',
    '-sha256',
    '-out',
    caCertFile,
  ]);
  const ca = { certFile: caCertFile, keyFile: caKeyFile };

  const serviceAccountKeyFile = path.join(dir, 'sa.key');
  const serviceAccountPublicKeyFile = path.join(dir, 'sa.pub');

  // Independent steps run together: openssl is single-threaded and there are two cores.
  const [apiServer, admin, controllerManager, scheduler, kwok, frontProxyClient] = await Promise.all([
    issue(
      dir,
      'apiserver',
      '/CN=kube-apiserver',
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        `subjectAltName=${apiServerSans(serviceIp)}`,
      ],
      ca,
    ),
    issue(dir, 'admin', '/O=system:masters/CN=plex-mcp-admin', clientExtensions(), ca),
    issue(dir, 'controller-manager', '/CN=system:kube-controller-manager', clientExtensions(), ca),
    issue(dir, 'scheduler', '/CN=system:kube-scheduler', clientExtensions(), ca),
    // kwok writes node and pod status and node leases; there is no bootstrap role for it, so it is a master.
    issue(dir, 'kwok', '/O=system:masters/CN=kwok-controller', clientExtensions(), ca),
    issue(dir, 'front-proxy-client', '/CN=front-proxy-client', clientExtensions(), ca),
    // RSA because every Kubernetes version accepts RS256 ServiceAccount signing keys.
    openssl([
      'genpkey',
      '-algorithm',
      'RSA',
      '-pkeyopt',
      'rsa_keygen_bits:2048',
      '-out',
      serviceAccountKeyFile,
    ]),
  ]);
  await openssl(['pkey', '-in', serviceAccountKeyFile, '-pubout', '-out', serviceAccountPublicKeyFile]);

  return {
    dir,
    caCertFile,
    caKeyFile,
    apiServer,
    admin,
    controllerManager,
    scheduler,
    kwok,
    frontProxyClient,
    serviceAccountKeyFile,
    serviceAccountPublicKeyFile,
  };
}
