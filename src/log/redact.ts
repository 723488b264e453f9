const REDACTED = '[REDACTED]';
/** Keys whose values are credentials wherever they appear in a log entry. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|token|access_?token|refresh_?token|password|secret|api_?key|cookie)$/i;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]{4,}/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi;

/** Returns a copy of `value` with bearer tokens, credential fields and the given secrets masked. */
export function redact(
  value: unknown,
  secrets: readonly string[],
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, secrets),
      stack: value.stack && redactString(value.stack, secrets),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : redact(v, secrets, seen);
  }
  return out;
}

/** Masks secrets inside one string. */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text.replace(BEARER, `$1 ${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`);
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
