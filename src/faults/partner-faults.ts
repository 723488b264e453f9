import path from 'node:path';

/** Something wrong in a partner's own folders (a link or file where a folder belongs): that
 *  partner's problem, not the run's. */
export class PartnerFolderFault extends Error {
  override readonly name = 'PartnerFolderFault';
}

/** The folders of a partner's own that the run uses: a fault in one of them is the partner's. */
const PARTNER_AREAS = ['inbox', 'outbox', 'archive', 'quarantine'] as const;
/** File-system errors that are the whole workspace's (a full or read-only disk), never one partner's. */
const WORKSPACE_ERRORS: ReadonlySet<string> = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EIO',
  'EMFILE',
  'ENFILE',
  'ENOMEM',
]);
/** What a file-system error code means, for an operator. */
const ERROR_WORDS: Record<string, string> = {
  ENOTDIR: 'something other than a folder is where a folder belongs',
  EISDIR: 'a folder is where a file belongs',
  EEXIST: 'something already has the name the program needs',
  ELOOP: 'a link is where the program never follows one',
  ENAMETOOLONG: 'a name is too long for the file system',
  EACCES: 'the program may not use it',
  EPERM: 'the program may not use it',
  ENOENT: 'it disappeared while the run used it',
};

/**
 * What went wrong, when `err` is a fault of one partner's folders (a link or file where a folder
 * belongs, a name the file system refuses, a folder the program may not use): that partner's
 * problem, which must not stop the others. Null when it is a failure of the run (the ledger, a
 * full or read-only disk, a bug), which fails the run.
 */
export function describePartnerFault(err: unknown, home: string, partner: string): string | null {
  if (err instanceof PartnerFolderFault) return err.message;
  const { code, syscall, path: where } = (err ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof syscall !== 'string' || typeof where !== 'string')
    return null;
  if (WORKSPACE_ERRORS.has(code)) return null;
  const mine = PARTNER_AREAS.map((area) => path.join(home, area, partner));
  if (!mine.some((dir) => where === dir || where.startsWith(dir + path.sep))) return null;
  return `the run could not use ${path.relative(home, where)} (${code} on ${syscall}: ${ERROR_WORDS[code] ?? 'see the log'})`;
}
