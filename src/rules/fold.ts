/**
 * A comparison form of a name: NFKC, lower case, Latin accents and everything but letters and
 * digits removed ("U.S.A." → "usa", "Japão" → "japao", "ａｍｅｒｉｃａ" → "america").
 */
export function foldName(text: string): string {
  let folded = FOLDED.get(text);
  if (folded === undefined) {
    folded = text
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '') // only Latin combining accents: kana voicing marks stay
      .normalize('NFC')
      .replace(/[^\p{L}\p{N}]+/gu, '');
    // Sheets repeat the same few names (packages, countries) row after row: remember them.
    if (FOLDED.size >= FOLDED_MAX) FOLDED.clear();
    FOLDED.set(text, folded);
  }
  return folded;
}

const FOLDED = new Map<string, string>();
const FOLDED_MAX = 10_000;

/** Edit distance, stopping early once it is known to exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/** The one candidate within a small edit distance of `folded`, or null when none or several are. */
export function nearest(folded: string, candidates: Iterable<[string, string]>): string | null {
  if (folded.length < 5) return null;
  const max = folded.length >= 9 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = max + 1;
  let tie = false;
  for (const [name, target] of candidates) {
    const d = editDistance(folded, name, max);
    if (d < bestDistance) {
      best = target;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && d <= max && target !== best) {
      tie = true;
    }
  }
  return bestDistance <= max && !tie ? best : null;
}
