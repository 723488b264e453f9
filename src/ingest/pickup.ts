import { constants, promises as fs, type Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PARTNER_ID } from '../config/index.ts';
import { PartnerFolderFault } from '../faults/index.ts';
import { fitFileName, splitExtension } from '../results/index.ts';

/** Extensions read from an inbox (contract §2). */
export const READ_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx'] as const;
/** Files larger than this are not read at all. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * What the pickup does with a name at the top of a partner folder (contract §2): `read` a sheet;
 * leave alone what the contract says to ignore (dot-files, uploads in progress, Excel's lock
 * files); anything else is `unsupported` (.xls, .ods, .numbers, .pdf…), quarantined FILE_FORMAT
 * with a sentence that says how to save it, never left unanswered in the inbox.
 */
export function inboxNameKind(name: string): 'read' | 'ignored' | 'unsupported' {
  if (name.startsWith('.') || name.startsWith('~$')) return 'ignored';
  const lower = name.toLowerCase();
  if (lower.endsWith('.part') || lower.endsWith('.filepart') || lower.endsWith('.tmp'))
    return 'ignored';
  return READ_EXTENSIONS.some((ext) => lower.endsWith(ext)) ? 'read' : 'unsupported';
}

/** Whether a name in an inbox folder is a sheet to read. */
export function isCandidateName(name: string): boolean {
  return inboxNameKind(name) === 'read';
}

/** The extension a stored copy keeps: one of ours, never the partner's spelling. */
export function storedExtension(name: string): string {
  const lower = name.toLowerCase();
  return READ_EXTENSIONS.find((ext) => lower.endsWith(ext)) ?? '.bin';
}

export interface PartnerFolder {
  partner: string;
  dir: string;
}

/**
 * Partner folders under inbox/, with the names that cannot be partners. A link with a partner's
 * name is listed too: openClaimFolder refuses it, so that the run says why the partner was skipped.
 */
export async function listPartnerFolders(
  home: string,
): Promise<{ folders: PartnerFolder[]; ignored: string[] }> {
  const inbox = path.join(home, 'inbox');
  let entries: Dirent[];
  try {
    entries = await fs.readdir(inbox, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { folders: [], ignored: [] };
    throw err;
  }
  const folders: PartnerFolder[] = [];
  const ignored: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    if ((e.isDirectory() || e.isSymbolicLink()) && PARTNER_ID.test(e.name))
      folders.push({ partner: e.name, dir: path.join(inbox, e.name) });
    else ignored.push(e.name);
  }
  return { folders, ignored };
}

/**
 * A partner folder the run cannot use as it is (a link, or a link or file where the program keeps
 * its own folder): the partner is skipped this run with this sentence, and the others go on.
 */

export interface Candidate {
  name: string;
  path: string;
  regular: boolean;
  /** A symbolic link: never followed, never stored, removed from the inbox (moveInto). */
  link: boolean;
  size: number;
  mtimeMs: number;
  /** A file in a format we do not read: quarantined FILE_FORMAT, never opened. */
  unsupported?: boolean;
  /** Set once the run has taken the file out of the drop zone. */
  claim?: Claim;
}

/** What a partner folder holds for this run: files to take now, and files still being written. */
export interface InboxListing {
  ready: Candidate[];
  /** Files not stable for `inbox.stableSeconds` yet: a later run takes them. */
  waiting: Candidate[];
}

/**
 * Files at the top of a partner folder, oldest first: those stable long enough to take now (sheets
 * to read, and files in formats we do not read, to quarantine), and those still being written.
 */
export async function listCandidates(
  dir: string,
  stableSeconds: number,
  realNowMs: number,
): Promise<InboxListing> {
  const ready: Candidate[] = [];
  const waiting: Candidate[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const kind = inboxNameKind(e.name);
    if (e.isDirectory() || kind === 'ignored') continue;
    const full = path.join(dir, e.name);
    const st = await fs.lstat(full).catch(() => null);
    if (!st) continue; // gone since the listing
    const found: Candidate = {
      name: e.name,
      path: full,
      regular: st.isFile(),
      link: st.isSymbolicLink(),
      size: st.size,
      mtimeMs: st.mtimeMs,
      ...(kind === 'unsupported' ? { unsupported: true } : {}),
    };
    if (st.isFile() && realNowMs - st.mtimeMs < stableSeconds * 1000) waiting.push(found);
    else ready.push(found);
  }
  const byAge = (a: Candidate, b: Candidate) =>
    a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name);
  return { ready: ready.sort(byAge), waiting: waiting.sort(byAge) };
}

/** Hidden folder inside a partner inbox where claimed files wait while a run reads them. */
export const CLAIM_DIR = '.rtm-claims';
/** What a claim's sidecar adds to the claimed file's name; it holds the name the partner gave. */
const SIDECAR = '.claim.json';
/** A sidecar is a few dozen bytes; anything much larger was not written by us. */
const SIDECAR_MAX_BYTES = 4096;

/**
 * A partner's claim folder, checked by openClaimFolder to be a real folder of ours. The partner can
 * write beside it: the run checks before each claim that it is still the same folder.
 */
export interface ClaimFolder {
  partner: string;
  /** The partner folder (inbox/<partner>). */
  dir: string;
  path: string;
  dev: number;
  ino: number;
}

/**
 * Checks the partner folder and its claim folder without following links, and makes the claim
 * folder (owner only) when `create` and it is missing; null when it is missing and not made (a dry
 * run). A partner can create links and files under the names the program uses: a partner folder
 * that is a link, or a claim folder that is a link, a file or another user's, would have the run
 * rename one partner's files into a place someone else chose (another partner's inbox). Throws
 * PartnerFolderFault saying what to do.
 */
export async function openClaimFolder(
  folder: PartnerFolder,
  create: boolean,
): Promise<ClaimFolder | null> {
  const where = `inbox/${folder.partner}`;
  const top = await fs.lstat(folder.dir);
  if (top.isSymbolicLink())
    throw new PartnerFolderFault(
      `${where} is a link, not a folder: links in the inbox are never followed, so no file of ${folder.partner} was read; make ${where} a folder of its own and put the partner's files in it`,
    );
  if (!top.isDirectory())
    throw new PartnerFolderFault(`${where} is not a folder: no file of ${folder.partner} was read`);
  const claims = path.join(folder.dir, CLAIM_DIR);
  const made = `${where}/${CLAIM_DIR}`;
  const unread = `so no file of ${folder.partner} was read`;
  let handle: FileHandle;
  try {
    handle = await fs.open(
      claims,
      constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (!create) return null;
      // Only its owner may write in it: claimed files wait there while they are read.
      await fs.mkdir(claims, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      return openClaimFolder(folder, false);
    }
    // Linux answers ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY | O_NOFOLLOW.
    const link = code === 'ELOOP' || (await fs.lstat(claims).catch(() => null))?.isSymbolicLink();
    if (link)
      throw new PartnerFolderFault(
        `${made} is a link, not a folder: the program keeps the files it is reading there and never follows a link, ${unread}; remove the link (the program makes that folder itself)`,
      );
    if (code === 'ENOTDIR')
      throw new PartnerFolderFault(
        `${made} is not a folder: the program keeps the files it is reading in a folder of that name, ${unread}; remove it (the program makes that folder itself)`,
      );
    throw err;
  }
  try {
    const st = await handle.stat();
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid)
      throw new PartnerFolderFault(
        `${made} belongs to another user (uid ${st.uid}), not to the one the program runs as (uid ${uid}), ${unread}; give it to that user, or move the files in it back into ${where} and remove it`,
      );
    return { partner: folder.partner, dir: folder.dir, path: claims, dev: st.dev, ino: st.ino };
  } finally {
    await handle.close();
  }
}

/** Throws PartnerFolderFault when the claim folder is not the folder openClaimFolder checked. */
async function assertSameClaimFolder(claims: ClaimFolder): Promise<void> {
  const st = await fs.lstat(claims.path).catch(() => null);
  if (st?.isDirectory() && st.dev === claims.dev && st.ino === claims.ino) return;
  throw new PartnerFolderFault(
    `inbox/${claims.partner}/${CLAIM_DIR} was replaced while the run was using it: the rest of ${claims.partner}'s files were not read; remove what is there now (the program makes that folder itself)`,
  );
}

/** A file taken out of the drop zone by an atomic rename, with the way back. */
export interface Claim {
  /** Where the partner dropped it. */
  original: string;
  /** Where it is while the run reads it. */
  path: string;
}

/**
 * Claims a candidate: notes its name in a sidecar, then renames it into the claim folder, so no
 * other run, upload or partner rename can touch what is being read. Null when it is already gone.
 */
export async function claimCandidate(
  claims: ClaimFolder,
  candidate: Candidate,
  claimName: string,
): Promise<Claim | null> {
  await assertSameClaimFolder(claims);
  const claimed = path.join(claims.path, claimName);
  await fs.writeFile(`${claimed}${SIDECAR}`, JSON.stringify({ name: candidate.name }), {
    flag: 'wx',
  });
  try {
    await fs.rename(candidate.path, claimed);
  } catch (err) {
    await fs.rm(`${claimed}${SIDECAR}`, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { original: candidate.path, path: claimed };
}

/** Where a claimed file went back to in the partner folder. */
export interface PutBack {
  /** Its name there. */
  name: string;
  /** The name it was dropped with, when that is not the name it has now (null: not known). */
  renamedFrom?: string | null;
}

/**
 * Puts a claimed file back where the partner dropped it. Daily exports reuse one name: when a new
 * upload took the name meanwhile, the claimed file comes back beside it under a name made from
 * its own (recoveredName), never over it and never left behind. `stamp`: see nameStamp.
 */
export async function releaseClaim(claim: Claim, stamp: string): Promise<PutBack> {
  const back = await putBack(
    path.dirname(claim.original),
    claim.path,
    path.basename(claim.original),
    stamp,
  );
  await fs.rm(`${claim.path}${SIDECAR}`, { force: true });
  return back;
}

/** Forgets a claim whose file was archived or quarantined. */
export async function endClaim(claim: Claim): Promise<void> {
  await fs.rm(`${claim.path}${SIDECAR}`, { force: true });
}

/** What recoverClaims found in a claim folder and did with it. */
export interface Recovery {
  /** Files put back under the names they were dropped with. */
  restored: number;
  /** Files put back under a name made for them (the name was taken, or no sidecar told it). */
  renamed: { original: string | null; name: string }[];
  /** Links found there (the program never claims one): removed, what they point to untouched. */
  links: number;
  /** Folders found there, which the program never makes: left where they are. */
  folders: string[];
}

/**
 * Puts back every file a crashed run left in the claim folder, so that nothing stays there unread:
 * under its name, or, when a new upload took that name or its sidecar is missing or unreadable,
 * under a name made for it. A file the crashed run had already staged comes back as a duplicate
 * of itself, or is finished then (archived and answered) if the run died before that.
 */
export async function recoverClaims(claims: ClaimFolder, stamp: string): Promise<Recovery> {
  // A folder put in its place (a link to another partner's inbox) must not be emptied into this one.
  await assertSameClaimFolder(claims);
  const found: Recovery = { restored: 0, renamed: [], links: 0, folders: [] };
  const entries = await fs.readdir(claims.path, { withFileTypes: true });
  const names = new Set(entries.map((e) => e.name));
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const entry = path.join(claims.path, e.name);
    const st = await fs.lstat(entry).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) {
      found.folders.push(e.name);
      continue;
    }
    if (e.name.endsWith(SIDECAR) && names.has(e.name.slice(0, -SIDECAR.length))) continue;
    if (e.name.endsWith(SIDECAR)) {
      // Its file was archived or quarantined, or never claimed: the run died in between.
      await fs.rm(entry, { force: true });
      continue;
    }
    const sidecar = `${entry}${SIDECAR}`;
    const original = names.has(`${e.name}${SIDECAR}`) ? await readSidecar(sidecar) : null;
    if (st.isSymbolicLink()) {
      await fs.unlink(entry);
      found.links += 1;
    } else {
      const back = await putBack(claims.dir, entry, original, stamp, e.name);
      if (back.renamedFrom === undefined) found.restored += 1;
      else found.renamed.push({ original: back.renamedFrom, name: back.name });
    }
    if (names.has(`${e.name}${SIDECAR}`)) await fs.rm(sidecar, { force: true });
  }
  return found;
}

/**
 * The name a sidecar holds, or null when it holds none we can trust: not a small plain file, not
 * JSON, not `{"name": "<a candidate name>"}`, or a name with a separator in it.
 */
async function readSidecar(file: string): Promise<string | null> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > SIDECAR_MAX_BYTES) return null;
    const note = JSON.parse(await handle.readFile('utf8')) as unknown;
    const name =
      typeof note === 'object' && note !== null ? (note as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || inboxNameKind(name) === 'ignored') return null;
    return path.basename(name) === name && !name.includes('\0') ? name : null;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * Moves `from` into the partner folder `dir` as `wanted`, or, when that name is taken (or null),
 * as recoveredName of `wanted` (or of `fallback`). Never replaces a file: rename() would, so the
 * file is hard-linked under the new name (which fails when it exists) and then unlinked.
 */
async function putBack(
  dir: string,
  from: string,
  wanted: string | null,
  stamp: string,
  fallback = path.basename(from),
): Promise<PutBack> {
  if (wanted !== null) {
    const there = path.join(dir, wanted);
    // A run that died between the link and the unlink below left the file under both names.
    if (await sameFile(from, there)) {
      await fs.unlink(from);
      return { name: wanted };
    }
    if (await renameNoReplace(from, there)) return { name: wanted };
  }
  for (let n = 1; n <= 100; n += 1) {
    const name = recoveredName(wanted ?? fallback, stamp, n);
    if (await renameNoReplace(from, path.join(dir, name))) return { name, renamedFrom: wanted };
  }
  throw new Error(`no free name for ${JSON.stringify(wanted ?? fallback)} in ${dir}`);
}

/** Renames `from` to `to` unless something has that name already; true when it was moved. */
async function renameNoReplace(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw err;
    // A file system without hard links (some network mounts): look, then rename.
    if (
      await fs.lstat(to).then(
        () => true,
        () => false,
      )
    )
      return false;
    await fs.rename(from, to);
    return true;
  }
  await fs.unlink(from);
  return true;
}

/** What link() answers on a file system that has no hard links. */
const NO_HARD_LINKS: ReadonlySet<string> = new Set([
  'EPERM',
  'ENOTSUP',
  'EOPNOTSUPP',
  'ENOSYS',
  'EMLINK',
]);

async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fs.lstat(a).catch(() => null), fs.lstat(b).catch(() => null)]);
  return !!x && !!y && x.dev === y.dev && x.ino === y.ino;
}

/**
 * The name a claimed file comes back under when its own is taken: `customers (recovered
 * 20261206T031500Z).csv`, ` 2`… when that is taken too. It keeps the extension, so it is read, and
 * fits NAME_MAX_BYTES. `stamp` is when the run started (nameStamp).
 */
export function recoveredName(name: string, stamp: string, n = 1): string {
  const { stem, ext } = splitExtension(name);
  return fitFileName(stem, ` (recovered ${stamp}${n > 1 ? ` ${n}` : ''})${ext}`);
}

/** A moment as a file name may hold it on every system: 20261206T031500Z (UTC). */
export function nameStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Moves a file into archive/ or quarantine/ under a name we make; returns the path relative to
 * home, or null when it was a link: a link is removed (never what it points to) and never stored.
 */
export async function moveInto(
  home: string,
  area: 'archive' | 'quarantine',
  partner: string,
  from: string,
  storedName: string,
): Promise<string | null> {
  const dir = path.join(home, area, partner);
  await fs.mkdir(dir, { recursive: true });
  if ((await fs.lstat(from)).isSymbolicLink()) {
    await fs.unlink(from);
    return null;
  }
  const to = path.join(dir, storedName);
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyAcross(from, to);
  }
  // What arrived is what was checked: a link put in the file's place meanwhile is not kept.
  if ((await fs.lstat(to)).isSymbolicLink()) {
    await fs.unlink(to);
    return null;
  }
  return path.relative(home, to);
}

/**
 * Moves a file to another file system (rename gives EXDEV): copies it, makes the copy durable
 * (fsync) before the original is removed, so that a machine going down right after cannot lose
 * both. A copy that fails (a full disk: libuv removes it itself) or cannot be synced is removed,
 * and the original kept.
 */
async function copyAcross(from: string, to: string): Promise<void> {
  try {
    await fs.copyFile(from, to, constants.COPYFILE_EXCL);
    const copy = await fs.open(to, 'r');
    try {
      await copy.sync();
    } finally {
      await copy.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fs.rm(to, { force: true });
    throw err;
  }
  await fs.unlink(from);
}

/**
 * The archived copy of a file whose rows a run committed before it died, found by that run's
 * stored names (`<runId>-NNNN.ext`) and the file's sha256: a run killed between the move and the
 * record of where it went. Returns its path relative to home.
 */
export async function findArchivedCopy(
  home: string,
  partner: string,
  runId: string,
  sha256: string,
): Promise<string | null> {
  const dir = path.join(home, 'archive', partner);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(`${runId}-`)).sort()) {
    const file = path.join(dir, name);
    let handle: FileHandle;
    try {
      handle = await fs.open(
        file,
        constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      );
    } catch {
      continue;
    }
    try {
      if (!(await handle.stat()).isFile()) continue;
      const hash = createHash('sha256');
      for await (const chunk of handle.createReadStream({ autoClose: false }))
        hash.update(chunk as Buffer);
      if (hash.digest('hex') === sha256) return path.relative(home, file);
    } finally {
      await handle.close();
    }
  }
  return null;
}
