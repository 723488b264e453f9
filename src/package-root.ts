import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder, the one holding package.json. The code runs from `dist/src/` once
 * built (`npm run build`: the installed command) and from `src/` under tsx (tests, benchmarks);
 * files that ship beside the code (the demo sheets, the simulator's spec, `bin/`) are found from
 * here, whichever of the two is running.
 */
export const PACKAGE_ROOT = packageRootAbove(path.dirname(fileURLToPath(import.meta.url)));

function packageRootAbove(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'package.json'))) return at;
    if (path.dirname(at) === at) throw new Error(`no package.json in ${dir} or above it`);
  }
}
