// Test helper: a throw-away certificate authority, server certificate (127.0.0.1, localhost) and
// client certificate, made with the system's openssl in a temp folder (no key is committed).

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

/** Paths of the generated PEM files, and their contents. */
export interface TestPki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  readonly clientKey: string;
  readonly clientCert: string;
  read(path: string): Buffer;
  remove(): void;
}

/** True when an openssl binary answers (tests that need it skip otherwise). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Generates a CA and a server and a client certificate it signed (EC P-256, valid one day). */
export function makeTestPki(): TestPki {
  const dir = tempDir('mlserve-tls-');
  const p = (name: string): string => join(dir, name);
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const key = (name: string): void => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(name));
  key('ca.key');
  ssl('req', '-x509', '-new', '-key', p('ca.key'), '-out', p('ca.pem'), '-days', '1', '-subj', '/CN=mlserve test CA');
  const leaf = (name: string, cn: string, ext: string): void => {
    key(`${name}.key`);
    ssl('req', '-new', '-key', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(p(`${name}.ext`), ext);
    ssl('x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p(`${name}.pem`), '-days', '1', '-extfile', p(`${name}.ext`));
  };
  leaf('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'mlserve test client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: p('ca.pem'),
    serverKey: p('server.key'),
    serverCert: p('server.pem'),
    clientKey: p('client.key'),
    clientCert: p('client.pem'),
    read: (path) => readFileSync(path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
