import crypto from 'node:crypto';

/** A hash of a desired-state document that ignores key order: equal meaning, equal hash. */
export function hashDesired(doc: unknown): string {
  return sha256Hex(canonicalJson(doc));
}

/** JSON with object keys sorted and undefined members left out; built in one pass per value. */
// crypto.hash (Node 20.12+) hashes a string in one call, without a Hash object per document.
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text) : crypto.createHash('sha256').update(text).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}
