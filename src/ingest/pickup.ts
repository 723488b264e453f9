import { constants, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { PARTNER_ID } from '../config/index.ts';

/** Extensions read from an inbox (contract §2). */
export const READ_EXTENSIONS = ['.csv', '.tsv', '.txt', '.xlsx'] as const;
/** Files larger than this are not read at all. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

/** Whether a name in an inbox folder is a file to read (not a dot-file, upload-in-progress or lock file). */
export function isCandidateName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~$')) return false;
  const lower = name.toLowerCase();
  if (lower.endsWith('.part') || lower.endsWith('.filepart') || lower.endsWith('.tmp'))
    return false;
  return READ_EXTENSIONS.some((ext) => lower.endsWith(ext));
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

/** Partner folders under inbox/, with the names that cannot be partners. */
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
    if (e.isDirectory() && PARTNER_ID.test(e.name))
      folders.push({ partner: e.name, dir: path.join(inbox, e.name) });
    else ignored.push(e.name);
  }
  return { folders, ignored };
}

export interface Candidate {
  name: string;
  path: string;
  regular: boolean;
  size: number;
  mtimeMs: number;
  /** Set once the run has taken the file out of the drop zone. */
  claim?: Claim;
}

/** Files at the top of a partner folder that may be read now: allowed names, stable long enough. */
export async function listCandidates(
  dir: string,
  stableSeconds: number,
  realNowMs: number,
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() || !isCandidateName(e.name)) continue;
    const full = path.join(dir, e.name);
    const st = await fs.lstat(full).catch(() => null);
    if (!st) continue; // gone since the listing
    if (st.isFile() && realNowMs - st.mtimeMs < stableSeconds * 1000) continue; // still being written
    out.push({
      name: e.name,
      path: full,
      regular: st.isFile(),
      size: st.size,
      mtimeMs: st.mtimeMs,
    });
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
}

/** Hidden folder inside a partner inbox where claimed files wait while a run reads them. */
export const CLAIM_DIR = '.rtm-claims';

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
  dir: string,
  candidate: Candidate,
  claimName: string,
): Promise<Claim | null> {
  const claims = path.join(dir, CLAIM_DIR);
  await fs.mkdir(claims, { recursive: true });
  const claimed = path.join(claims, claimName);
  await fs.writeFile(`${claimed}.claim.json`, JSON.stringify({ name: candidate.name }), {
    flag: 'wx',
  });
  try {
    await fs.rename(candidate.path, claimed);
  } catch (err) {
    await fs.rm(`${claimed}.claim.json`, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return { original: candidate.path, path: claimed };
}

/** Puts a claimed file back where the partner dropped it (unless a new file took that name). */
export async function releaseClaim(claim: Claim): Promise<void> {
  const taken = await fs.lstat(claim.original).then(
    () => true,
    () => false,
  );
  if (!taken) await fs.rename(claim.path, claim.original);
  await fs.rm(`${claim.path}.claim.json`, { force: true });
}

/** Forgets a claim whose file was archived or quarantined. */
export async function endClaim(claim: Claim): Promise<void> {
  await fs.rm(`${claim.path}.claim.json`, { force: true });
}

/**
 * Puts back files a crashed run had claimed. A file it had already staged comes back as a
 * duplicate of itself and is archived then: nothing is lost and nothing is processed twice.
 */
export async function recoverClaims(dir: string): Promise<number> {
  const claims = path.join(dir, CLAIM_DIR);
  let names: string[];
  try {
    names = await fs.readdir(claims);
  } catch {
    return 0;
  }
  let restored = 0;
  for (const sidecar of names.filter((n) => n.endsWith('.claim.json'))) {
    const claimed = path.join(claims, sidecar.slice(0, -'.claim.json'.length));
    const { name } = JSON.parse(await fs.readFile(path.join(claims, sidecar), 'utf8')) as {
      name: string;
    };
    const exists = await fs.lstat(claimed).then(
      () => true,
      () => false,
    );
    // The name came from this folder's own listing and passed isCandidateName: it has no separator.
    if (exists && isCandidateName(name) && path.basename(name) === name) {
      await releaseClaim({ original: path.join(dir, name), path: claimed });
      restored += 1;
    } else {
      await fs.rm(path.join(claims, sidecar), { force: true });
    }
  }
  return restored;
}

/** Moves a file into archive/ or quarantine/ under a name we make; returns the path relative to home. */
export async function moveInto(
  home: string,
  area: 'archive' | 'quarantine',
  partner: string,
  from: string,
  storedName: string,
): Promise<string> {
  const dir = path.join(home, area, partner);
  await fs.mkdir(dir, { recursive: true });
  const to = path.join(dir, storedName);
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    // Another file system: copy, then remove the original.
    await fs.copyFile(from, to, constants.COPYFILE_EXCL);
    await fs.unlink(from);
  }
  return path.relative(home, to);
}
