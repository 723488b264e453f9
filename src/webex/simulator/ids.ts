import { randomUUID } from 'node:crypto';

/** Kinds of Webex resource ids the simulator hands out. */
export type WebexIdKind =
  'ENTERPRISE' | 'ORGANIZATION' | 'SUBSCRIBER' | 'PEOPLE' | 'LICENSE' | 'BILLING_REPORT';

/** A Webex-style id: base64 of `ciscospark://us/<KIND>/<uuid>`, unpadded like Webex's. */
export function webexId(kind: WebexIdKind, uuid: string = randomUUID()): string {
  // base64url keeps ids safe in a path segment; with these inputs it equals plain base64 anyway.
  return Buffer.from(`ciscospark://us/${kind}/${uuid}`).toString('base64url');
}

/** The `ciscospark://` URI inside a Webex id, or null when it is not one. */
export function decodeWebexId(id: string): string | null {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  return text.startsWith('ciscospark://') ? text : null;
}
