/** A request that got no HTTP answer, classified for the retry decision. */
export interface NetworkFailure {
  /** System or undici error code, e.g. `ECONNREFUSED`. */
  readonly code: string;
  /** True when the request certainly never reached the server (refused or unresolvable connection). */
  readonly beforeSend: boolean;
  /** True when trying again may help (false for TLS certificate failures, which need a settings change). */
  readonly transient: boolean;
}

const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const AFTER_SEND_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CONSTANT',
]);

function isCertificateCode(code: string): boolean {
  return (
    code.includes('CERT') ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

/**
 * Classifies what undici threw: a network failure (with its code), or `undefined` for anything else (a programming
 * error, which must not be retried or disguised).
 */
export function classifyNetworkFailure(error: unknown): NetworkFailure | undefined {
  const code = errorCode(error);
  if (code === undefined) return undefined;
  if (BEFORE_SEND_CODES.has(code)) return { code, beforeSend: true, transient: true };
  if (isCertificateCode(code)) return { code, beforeSend: true, transient: false };
  if (AFTER_SEND_CODES.has(code) || code.startsWith('HPE_')) return { code, beforeSend: false, transient: true };
  return undefined;
}
