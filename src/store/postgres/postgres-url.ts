import { userInfo } from 'node:os';

/** The URL with any password replaced by "***", for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(password=)[^\s&]*/gi, '$1***');
  }
}

/**
 * Like libpq, a URL without a user name connects as PGUSER or else the operating-system user. (pg itself
 * falls back to $USER only, which containers and service managers often leave unset.)
 */
export function withDefaultUser(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol) || parsed.username !== '' || parsed.searchParams.has('user')) return url;
  let user = process.env.PGUSER || process.env.USER;
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      return url;
    }
  }
  parsed.username = encodeURIComponent(user);
  return parsed.toString();
}
