const REDACTED = '[REDACTED]';
/** Keys whose values are credentials wherever they appear in a log entry. */
const SECRET_KEY =
  /^(authorization|proxy-authorization|token|access_?token|refresh_?token|password|secret|api_?key|cookie)$/i;
/**
 * `Bearer …` / `Basic …` credentials: 8 or more token characters with a digit, `_`, `+`, `/` or
 * `=` among them, or 20 letters. Reports are masked too, and "Basic Foods" or "Bearer Co-op" in a
 * customer name is no credential; configured tokens are masked whatever their shape.
 */
const BEARER = /\b(Bearer|Basic)\s+(?=[\w\-.~+/]*[\d_+/=]|[a-z]{20})[\w\-.~+/]{8,}=*/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s/]+@/gi;
/** Text without any of these holds neither pattern: most text is let through on this test alone. */
const MAYBE_PATTERN = /bearer|basic|:\/\//i;

/**
 * Returns `value` with bearer tokens, credential fields and the given secrets masked, for a log
 * entry or a run's reports. What holds nothing to mask comes back as it is, not copied: a run's
 * report input may hold a million issues. An Error becomes a plain object; an object inside
 * itself becomes '[Circular]' (one reached by two paths is masked on each, not cut).
 */
export function redact(value: unknown, secrets: readonly string[]): unknown {
  return redactWithin(value, secrets, []);
}

function redactWithin(value: unknown, secrets: readonly string[], within: object[]): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (within.includes(value)) return '[Circular]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, secrets),
      stack: value.stack && redactString(value.stack, secrets),
    };
  }
  within.push(value);
  try {
    if (Array.isArray(value)) {
      const items = value as unknown[];
      let copy: unknown[] | null = null;
      for (let i = 0; i < items.length; i += 1) {
        const item = items[i];
        const masked = redactWithin(item, secrets, within);
        if (masked !== item) (copy ??= [...items])[i] = masked;
      }
      return copy ?? items;
    }
    let copy: Record<string, unknown> | null = null;
    for (const key of Object.keys(value)) {
      const field: unknown = (value as Record<string, unknown>)[key];
      const masked =
        field !== undefined && field !== null && isSecretKey(key)
          ? REDACTED
          : redactWithin(field, secrets, within);
      if (masked !== field) (copy ??= { ...value })[key] = masked;
    }
    return copy ?? value;
  } finally {
    within.pop();
  }
}

const secretKeys = new Map<string, boolean>();

/** SECRET_KEY.test, remembered: a report's million issues repeat the same few keys. */
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    if (secretKeys.size < 1000) secretKeys.set(key, secret);
  }
  return secret;
}

/** Masks secrets inside one string. */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = MAYBE_PATTERN.test(text)
    ? text.replace(BEARER, `$1 ${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`)
    : text;
  for (const secret of secrets) {
    if (secret && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}
