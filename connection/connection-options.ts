/**
 * Transport security for a Temporal cluster (`--address`): TLS, mutual TLS (a client certificate)
 * and API keys (Temporal Cloud), from flags or from the environment variables of the Temporal CLI.
 * One place builds the connection options that both the client (Connection) and the workers
 * (NativeConnection) dial with, so `run`, `resume`, `status`, `pause`, `cancel` and `worker` reach
 * a secured cluster the same way. The embedded server is local and plain: none of this applies.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { TemporalSetupError } from './errors.js';

/** What the user asked for (flags win over the environment). Files are PEM. */
export interface TransportSecurity {
  /** TLS on or off; absent: on when any other option below is given. */
  tls?: boolean;
  /** Client certificate and its private key (mutual TLS). */
  certFile?: string;
  keyFile?: string;
  /** CA that signed the server's certificate (default: the system's roots). */
  caFile?: string;
  /** Name to check the server's certificate against (and send as SNI), when it differs from the host. */
  serverName?: string;
  /** API key (Temporal Cloud), sent as a bearer token; implies TLS unless TLS is turned off. */
  apiKey?: string;
}

/** Each option: its flag and the Temporal CLI's environment variable. */
export const SECURITY_ENV = {
  tls: 'TEMPORAL_TLS',
  certFile: 'TEMPORAL_TLS_CERT',
  keyFile: 'TEMPORAL_TLS_KEY',
  caFile: 'TEMPORAL_TLS_CA',
  serverName: 'TEMPORAL_TLS_SERVER_NAME',
  apiKey: 'TEMPORAL_API_KEY',
} as const satisfies Record<keyof TransportSecurity, string>;

export const SECURITY_FLAGS = {
  tls: 'tls',
  certFile: 'tls-cert',
  keyFile: 'tls-key',
  caFile: 'tls-ca',
  serverName: 'tls-server-name',
  apiKey: 'api-key',
} as const satisfies Record<keyof TransportSecurity, string>;

function parseBool(name: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new TemporalSetupError(`${name}=${text}: expected true or false`);
}

/** The flags given, completed from the environment (empty variables count as unset). */
export function resolveSecurity(flags: TransportSecurity, env: NodeJS.ProcessEnv = process.env): TransportSecurity {
  const fromEnv = (k: Exclude<keyof TransportSecurity, 'tls'>): string | undefined =>
    flags[k] ?? (env[SECURITY_ENV[k]] || undefined);
  const tlsEnv = env[SECURITY_ENV.tls];
  return {
    tls: flags.tls ?? (tlsEnv ? parseBool(SECURITY_ENV.tls, tlsEnv) : undefined),
    certFile: fromEnv('certFile'),
    keyFile: fromEnv('keyFile'),
    caFile: fromEnv('caFile'),
    serverName: fromEnv('serverName'),
    apiKey: fromEnv('apiKey'),
  };
}

/** True when anything in `s` asks for more than a plain connection. */
export function isSecured(s: TransportSecurity | undefined): boolean {
  return (
    !!s && (s.tls === true || [s.certFile, s.keyFile, s.caFile, s.serverName, s.apiKey].some((v) => v !== undefined))
  );
}

function readPem(what: keyof TransportSecurity, file: string): Buffer {
  const flag = `--${SECURITY_FLAGS[what]}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TemporalSetupError(
      `${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'no permission to read it' : (e as Error).message}`,
    );
  }
  if (!bytes.includes('-----BEGIN '))
    throw new TemporalSetupError(`${flag} ${file}: not a PEM file (no -----BEGIN line)`);
  return bytes;
}

/** The part of the SDK's connection options that transport security sets (the same for Connection and NativeConnection). */
export interface SecureOptions {
  tls?: TLSConfig | boolean;
  apiKey?: string;
}

/**
 * The SDK connection options for `s`, its files read and checked: a missing or unreadable file, a
 * certificate without its key (or the reverse) is a {@link TemporalSetupError} naming the flag.
 */
export function secureOptions(s: TransportSecurity | undefined): SecureOptions {
  if (!s || !isSecured(s)) return {};
  if ((s.certFile === undefined) !== (s.keyFile === undefined)) {
    throw new TemporalSetupError(
      `mutual TLS needs both --tls-cert and --tls-key (or ${SECURITY_ENV.certFile} and ${SECURITY_ENV.keyFile}); only ${s.certFile ? '--tls-cert' : '--tls-key'} was given`,
    );
  }
  const tlsOff = s.tls === false;
  if (tlsOff && (s.certFile || s.caFile || s.serverName)) {
    throw new TemporalSetupError(
      'TLS is turned off (--tls=false or TEMPORAL_TLS=false) but TLS files or a server name were given',
    );
  }
  const out: SecureOptions = {};
  if (s.apiKey !== undefined) out.apiKey = s.apiKey;
  // Explicitly off: the SDK turns TLS on by itself when given an API key.
  if (tlsOff) return { ...out, tls: false };
  const tls: TLSConfig = {};
  if (s.serverName) tls.serverNameOverride = s.serverName;
  if (s.caFile) tls.serverRootCACertificate = readPem('caFile', s.caFile);
  if (s.certFile && s.keyFile)
    tls.clientCertPair = { crt: readPem('certFile', s.certFile), key: readPem('keyFile', s.keyFile) };
  out.tls = Object.keys(tls).length > 0 ? tls : true;
  return out;
}

/** How the connection to `address` was secured, for messages. */
export function describeSecurity(s: TransportSecurity | undefined): string {
  if (!isSecured(s)) return 'plain (no TLS)';
  const parts: string[] = [];
  if (s!.tls !== false) parts.push(s!.certFile ? 'mutual TLS' : 'TLS');
  if (s!.apiKey !== undefined) parts.push('API key');
  return parts.join(' + ');
}
