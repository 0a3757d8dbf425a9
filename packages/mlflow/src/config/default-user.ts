import { userInfo } from 'node:os';

/** The user name MLflow's Python client would send: `USER`, `LOGNAME`, `USERNAME`, then the OS account, else `unknown`. */
export function defaultUserId(env: Readonly<Record<string, string | undefined>>): string {
  for (const name of ['USER', 'LOGNAME', 'USERNAME'] as const) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
