import { inspect } from 'node:util';

/** How requests are authenticated, as MLflow's own clients do it. */
export type CredentialKind = 'none' | 'bearer' | 'basic';

/**
 * The `Authorization` header value, held in a private field so that it never shows up in `toString()`, `JSON.stringify`
 * or `util.inspect` of this object or of anything holding it.
 */
export class Credentials {
  /** The kind of credentials; safe to print. */
  readonly kind: CredentialKind;
  readonly #authorization: string | undefined;

  private constructor(kind: CredentialKind, authorization: string | undefined) {
    this.kind = kind;
    this.#authorization = authorization;
  }

  /** No credentials: no `Authorization` header. */
  static none(): Credentials {
    return new Credentials('none', undefined);
  }

  /** `Authorization: Bearer <token>` (`MLFLOW_TRACKING_TOKEN`). */
  static bearer(token: string): Credentials {
    return new Credentials('bearer', `Bearer ${token}`);
  }

  /** `Authorization: Basic base64(user:password)` (`MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD`). */
  static basic(username: string, password: string): Credentials {
    return new Credentials('basic', `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
  }

  /** The header value to send, or `undefined` for none. Never log it. */
  authorizationHeader(): string | undefined {
    return this.#authorization;
  }

  /** A redacted description, e.g. `bearer token (redacted)`. */
  toString(): string {
    if (this.kind === 'none') return 'no credentials';
    return `${this.kind === 'bearer' ? 'bearer token' : 'basic user/password'} (redacted)`;
  }

  /** The redacted description, so `JSON.stringify` cannot leak the secret. */
  toJSON(): string {
    return this.toString();
  }

  /** The redacted description for `util.inspect` / `console.log`. */
  [inspect.custom](): string {
    return `Credentials<${this.toString()}>`;
  }
}
