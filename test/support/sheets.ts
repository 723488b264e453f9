import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The header of an English customers sheet with the columns the rules need for a US customer. */
export const CUSTOMERS_HEADER =
  'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Provisioning ID\n';

/** A customers sheet of `n` rows every rule accepts (Meetings, Austin TX), ids `<prefix>-1`… */
export function customersCsv(prefix: string, n = 1): string {
  let text = CUSTOMERS_HEADER;
  for (let i = 1; i <= n; i++)
    text += `${prefix}-${i},${prefix} Co ${i},it@${prefix}${i}.example,${i} Main Street,Austin,TX,78701,US,webex_meetings,P1\n`;
  return text;
}

/** A subscribers sheet: `perCustomer` Meetings users for each of customers `<prefix>-1…<prefix>-<customers>`. */
export function subscribersCsv(prefix: string, customers: number, perCustomer: number): string {
  let text = 'Customer external ID,Email,First name,Last name,Package,Admin\n';
  for (let c = 1; c <= customers; c++)
    for (let u = 1; u <= perCustomer; u++)
      text += `${prefix}-${c},u${u}@${prefix}${c}.example,User,${u},webex_meetings,no\n`;
  return text;
}

/** Writes a file into `dir` (made if missing) dated a minute ago, so the pickup finds it stable. */
export function dropFile(dir: string, name: string, text: string | Buffer, at?: Date): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, text);
  const when = at ?? new Date(Date.now() - 60_000);
  utimesSync(file, when, when);
  return file;
}

/** A folder's names, sorted; none when it does not exist. */
export const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
