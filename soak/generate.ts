// The soak campaign's generator: pure and seeded. A night's partner activity and faults come from
// streams named by (seed, night, purpose), and the partners' own picture of what they sent (the
// world) evolves from that activity alone, never from what the program did with it: so nights
// 1..N-1 are drawn again in milliseconds, and `--replay SEED:NIGHT` plays exactly the same files.
import { Rng } from './prng.ts';

export type Locale = 'en' | 'ja' | 'pt-BR';

/** A partner of the campaign and how it sends its sheets. */
export interface PartnerSpec {
  id: string;
  locale: Locale;
  /** `xlsx`: one workbook with both sheets; else text in this encoding. */
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'cp932' | 'windows-1252' | null;
  delimiter: ',' | ';';
  country: 'US' | 'JP' | 'BR' | 'CA';
  /** R-SELF-1: the partner's own org, seeded in Webex; never an orphan, never deprovisioned. */
  orgId: string;
}

export const PARTNERS: readonly PartnerSpec[] = [
  {
    id: 'acme',
    locale: 'en',
    format: 'csv',
    encoding: 'utf-8',
    delimiter: ',',
    country: 'US',
    orgId: 'own-org-acme',
  },
  {
    id: 'sakura',
    locale: 'ja',
    format: 'csv',
    encoding: 'cp932',
    delimiter: ',',
    country: 'JP',
    orgId: 'own-org-sakura',
  },
  {
    id: 'brasil',
    locale: 'pt-BR',
    format: 'csv',
    encoding: 'windows-1252',
    delimiter: ';',
    country: 'BR',
    orgId: 'own-org-brasil',
  },
  {
    id: 'globex',
    locale: 'en',
    format: 'xlsx',
    encoding: null,
    delimiter: ',',
    country: 'CA',
    orgId: 'own-org-globex',
  },
];

/** What the partner believes about one of its customers. */
export interface CustomerModel {
  externalId: string;
  name: string;
  street: number;
  packages: string[];
  /** Set for a customer whose name Webex's RPL review matches: the tag in its name. */
  hold: string | null;
  /** The night the review clears (the match is approved), or null if it never does. */
  clearsAt: number | null;
  deleted: boolean;
  bornAt: number;
}

export interface UserModel {
  customer: string;
  email: string;
  first: string;
  last: string;
  deleted: boolean;
}

/** One row of a sheet as the partner writes it (canonical columns; rendered per locale later). */
export type CustomerRow = {
  externalId: string;
  name: string;
  email: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  packages: string;
  /** Calling location: time zone and language, for a customer with Calling (R-CALL-1). */
  timezone: string;
  language: string;
  action: '' | 'delete';
};
export type UserRow = {
  customer: string;
  email: string;
  first: string;
  last: string;
  package: string;
  action: '' | 'delete';
};

/** A file the partner drops tonight. */
export type Drop =
  | {
      partner: string;
      name: string;
      kind: 'sheet';
      /** How a later re-drop names this file's bytes. */
      key?: string;
      customers: CustomerRow[] | null;
      users: UserRow[] | null;
      /** Rows the generator made wrong on purpose (they should be refused). */
      badRows: number;
      /** Adds the four columns of a results file (a fixed results file sent back, issue #18). */
      resultsColumns?: boolean;
    }
  | {
      partner: string;
      name: string;
      kind: 'broken';
      how: 'unclosed-quote' | 'header-only' | 'garbage';
    }
  | { partner: string; name: string; kind: 'redrop'; of: string };

export interface ContactAttempt {
  partner: string;
  externalId: string;
  outcome: 'reached' | 'unreachable';
}

/** The faults of one night, all chosen by the seed. */
export interface FaultPlan {
  /** The simulator's own faultRate (5xx, and changes cut after commit). */
  simFaultRate: number;
  /** Share of changing requests whose answer the proxy loses after the simulator committed. */
  lostAnswers: number;
  /** The proxy answers 429 to `count` requests from the `from`-th on. */
  burst429: { from: number; count: number; malformedRetryAfter: boolean } | null;
  /** The proxy answers 401 (or 403) quoting the Authorization header, for a while. */
  unauthorized: { from: number; count: number; status: 401 | 403 } | null;
  /** The proxy holds `count` requests from the `from`-th on for `ms` each. */
  latency: { from: number; count: number; ms: number } | null;
  /** The nightly kills itself (SIGKILL) at this crash point, the nth time it is reached. */
  kill: { point: KillPoint; nth: number } | null;
  /** SIGTERM to the nightly during its import, or once the proxy has seen this many requests. */
  sigterm: { during: 'import' | 'provision'; afterRequests: number } | null;
  /** A second nightly started at the same moment. */
  concurrent: boolean;
  /** The database's file system is full for the night. */
  dbFull: boolean;
  /** The clock jumps this many days forward before the night (RTM_NOW). */
  clockJumpDays: number;
}

export type KillPoint =
  | 'file-committed'
  | 'rows-staged'
  | 'claimed'
  | 'request-sent'
  | 'answer-received'
  | 'report-written';
export const KILL_POINTS: readonly KillPoint[] = [
  'file-committed',
  'rows-staged',
  'claimed',
  'request-sent',
  'answer-received',
  'report-written',
];

export interface NightPlan {
  seed: number;
  night: number;
  /** The program's clock at the start of the night (RTM_NOW), ms. */
  nowMs: number;
  drops: Drop[];
  contacts: ContactAttempt[];
  /** Ops writes a deprovisioning plan and applies it, striking out some entries. */
  deprovision: { strikeShare: number } | null;
  faults: FaultPlan;
  /** Customer names still held in RPL review tonight: the simulator's rplMatch. */
  rplHolds: string[];
}

export interface World {
  customers: Map<string, CustomerModel>;
  users: Map<string, UserModel>;
  /** Every sheet file dropped so far, by key `<night>:<partner>:<n>`, with its partner and name. */
  files: { key: string; partner: string; name: string; night: number; badRows: number }[];
  counter: Map<string, number>;
}

export interface GeneratorOptions {
  /** Play fixed results files sent back (needs issue #18: a results file read as a normal sheet). */
  resultsBack: boolean;
  /** No faults at all (a calm run). */
  calm: boolean;
  /**
   * Fault kinds left out though the seed draws them (while a known fault is fixed elsewhere):
   * sim-faults, lost-answers, 429, 401, latency, kill, kill:<point>, sigterm, second-run,
   * disk-full, clock-jump. The draws are the same, so the other faults of a seed do not move.
   */
  without?: ReadonlySet<string>;
}

/** The names `without` takes. */
export const FAULT_KINDS: readonly string[] = [
  'sim-faults',
  'lost-answers',
  '429',
  '401',
  'latency',
  'kill',
  ...KILL_POINTS.map((p) => `kill:${p}`),
  'sigterm',
  'second-run',
  'disk-full',
  'clock-jump',
];

/** The campaign's first night is at this instant; each later night one day on (plus clock jumps). */
export const CAMPAIGN_START_MS = Date.parse('2026-03-02T01:00:00Z');
export const DAY_MS = 86_400_000;

export function emptyWorld(): World {
  return { customers: new Map(), users: new Map(), files: [], counter: new Map() };
}

/** The faults of one night: a pure function of (seed, night). */
export function planFaults(
  seed: number,
  night: number,
  opts: Pick<GeneratorOptions, 'calm' | 'without'>,
): FaultPlan {
  const r = new Rng(seed, night, 'faults');
  const none: FaultPlan = {
    simFaultRate: 0,
    lostAnswers: 0,
    burst429: null,
    unauthorized: null,
    latency: null,
    kill: null,
    sigterm: null,
    concurrent: false,
    dbFull: false,
    clockJumpDays: 0,
  };
  // Every draw is made whether or not it is used, so one fault's choice never shifts another's.
  const d = Array.from({ length: 28 }, () => r.next());
  const at = (i: number) => d[i] as number;
  if (opts.calm) return none;
  const kill = at(10) < 0.2;
  return leaveOut(opts.without, {
    simFaultRate: at(0) < 0.35 ? 0.02 + at(1) * 0.13 : 0,
    lostAnswers: at(2) < 0.25 ? 0.05 + at(3) * 0.15 : 0,
    burst429:
      at(4) < 0.2
        ? {
            from: Math.floor(at(5) * 40),
            count: 3 + Math.floor(at(6) * 13),
            malformedRetryAfter: at(7) < 0.15,
          }
        : null,
    unauthorized:
      at(8) < 0.12
        ? {
            from: Math.floor(at(9) * 60),
            count: 5 + Math.floor(at(20) * 55),
            status: at(21) < 0.8 ? 401 : 403,
          }
        : null,
    latency:
      at(22) < 0.15
        ? {
            from: Math.floor(at(23) * 40),
            count: 2 + Math.floor(at(24) * 7),
            ms: 500 + Math.floor(at(25) * 3500),
          }
        : null,
    kill: kill
      ? {
          point: KILL_POINTS[Math.floor(at(11) * KILL_POINTS.length)] as KillPoint,
          nth: 1 + Math.floor(at(12) * 4),
        }
      : null,
    sigterm:
      !kill && at(13) < 0.12
        ? {
            during: at(14) < 0.4 ? 'import' : 'provision',
            afterRequests: 1 + Math.floor(at(15) * 30),
          }
        : null,
    concurrent: at(16) < 0.1,
    dbFull: at(17) < 0.06,
    clockJumpDays: at(19) < 0.08 ? 2 + Math.floor(at(18) * 11) : 0,
  });
}

function leaveOut(without: ReadonlySet<string> | undefined, f: FaultPlan): FaultPlan {
  if (!without || without.size === 0) return f;
  const out = { ...f };
  if (without.has('sim-faults')) out.simFaultRate = 0;
  if (without.has('lost-answers')) out.lostAnswers = 0;
  if (without.has('429')) out.burst429 = null;
  if (without.has('401')) out.unauthorized = null;
  if (without.has('latency')) out.latency = null;
  if (without.has('kill') || (out.kill && without.has(`kill:${out.kill.point}`))) out.kill = null;
  if (without.has('sigterm')) out.sigterm = null;
  if (without.has('second-run')) out.concurrent = false;
  if (without.has('disk-full')) out.dbFull = false;
  if (without.has('clock-jump')) out.clockJumpDays = 0;
  return out;
}

/** One night of partner activity; moves `world` on. Pure apart from `world`. */
export function planNight(
  seed: number,
  night: number,
  nowMs: number,
  faults: FaultPlan,
  world: World,
  opts: GeneratorOptions,
): NightPlan {
  const drops: Drop[] = [];
  const contacts: ContactAttempt[] = [];
  for (const p of PARTNERS) {
    const r = new Rng(seed, night, 'activity', p.id);
    // Night 1: every partner starts; later a partner is active most nights.
    if (night > 1 && !r.chance(0.7)) continue;
    drops.push(...partnerNight(r, p, night, world, opts));
    for (const c of liveCustomers(world, p.id)) {
      if (c.hold === null || (c.clearsAt !== null && c.clearsAt <= night) || c.bornAt >= night)
        continue;
      if (r.chance(0.3))
        contacts.push({
          partner: p.id,
          externalId: c.externalId,
          outcome: r.chance(0.6) ? 'unreachable' : 'reached',
        });
    }
  }
  const ops = new Rng(seed, night, 'ops');
  const anyHold = [...world.customers.values()].some((c) => c.hold !== null && c.bornAt < night);
  const deprovision =
    anyHold && ops.chance(0.3) ? { strikeShare: ops.chance(0.5) ? 0 : 0.3 } : null;
  const rplHolds = [...world.customers.values()]
    .filter((c) => c.hold !== null && (c.clearsAt === null || c.clearsAt > night))
    .map((c) => c.hold as string)
    .sort();
  return { seed, night, nowMs, drops, contacts, deprovision, faults, rplHolds };
}

function liveCustomers(world: World, partner: string): CustomerModel[] {
  return [...world.customers.values()].filter(
    (c) => !c.deleted && c.externalId.startsWith(`${partner}-`),
  );
}

function liveUsers(world: World, customer: string): UserModel[] {
  return [...world.users.values()].filter((u) => u.customer === customer && !u.deleted);
}

function nextNumber(world: World, key: string): number {
  const n = (world.counter.get(key) ?? 0) + 1;
  world.counter.set(key, n);
  return n;
}

const NAMES: Record<Locale, { company: string[]; first: string[]; last: string[] }> = {
  en: {
    company: [
      'Blue Ridge Dental',
      'Lakeside Logistics',
      'Harbor Bakery',
      'Pine Street Law',
      'Summit Clinic',
    ],
    first: ['Dana', 'Sam', 'Lee', 'Ana', 'Jorge', 'Priya', 'Tom'],
    last: ['Reed', 'Cho', 'Martin', 'Silva', 'Ortiz', 'Shah', 'Baker'],
  },
  ja: {
    company: ['さくら会計事務所', '株式会社みどり物流', 'ひかり商事', 'やまと工業', '東京歯科医院'],
    first: ['太郎', '花子', '健', '美咲', '翔太', '由美'],
    last: ['山田', '佐藤', '鈴木', '高橋', '田中', '渡辺'],
  },
  'pt-BR': {
    company: [
      'Padaria São João',
      'Açougue Ébano',
      'Ótica Central',
      'Farmácia União',
      'Café Três Corações',
    ],
    first: ['João', 'Maria', 'José', 'Ana', 'Antônio', 'Luís'],
    last: ['Silva', 'Araújo', 'Conceição', 'Gonçalves', 'Simões', 'Lima'],
  },
};

/** Text a spreadsheet would run: partner text that every output must keep inert. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/x","open")',
  '+1 Dial Co',
  '@SUM(1+1)',
  '-2+3 Holdings',
  '<script>alert(1)</script> Ltd',
  '=1+1',
];

function address(
  p: PartnerSpec,
  street: number,
): Pick<CustomerRow, 'line1' | 'line2' | 'city' | 'state' | 'zip' | 'country'> {
  switch (p.country) {
    case 'US':
      return {
        line1: `${street} Main Street`,
        line2: '',
        city: 'Austin',
        state: 'TX',
        zip: `787${String(street % 100).padStart(2, '0')}`,
        country: 'US',
      };
    case 'JP':
      return {
        line1: `千代田区丸の内1-${street}-1`,
        line2: '',
        city: '千代田区',
        state: '東京都',
        zip: `100-00${String(street % 100).padStart(2, '0')}`,
        country: 'JP',
      };
    case 'BR':
      return {
        line1: `Rua Augusta, ${street}`,
        line2: '',
        city: 'São Paulo',
        state: 'SP',
        zip: `01310-1${String(street % 100).padStart(2, '0')}`,
        country: 'BR',
      };
    case 'CA':
      return {
        line1: `${street} Harbor Road`,
        line2: '',
        city: 'Toronto',
        state: 'ON',
        zip: 'M5J 2N8',
        country: 'CA',
      };
  }
}

const LOCATION: Record<PartnerSpec['country'], { timezone: string; language: string }> = {
  US: { timezone: 'America/Chicago', language: 'en_US' },
  JP: { timezone: 'Asia/Tokyo', language: 'ja_JP' },
  BR: { timezone: 'America/Sao_Paulo', language: 'pt_BR' },
  CA: { timezone: 'America/Toronto', language: 'en_CA' },
};

function customerRow(p: PartnerSpec, c: CustomerModel, action: '' | 'delete' = ''): CustomerRow {
  const calling = c.packages.includes('webex_calling');
  return {
    externalId: c.externalId,
    name: c.name,
    email: `it@${c.externalId}.example`,
    ...address(p, c.street),
    packages: c.packages.join('|'),
    timezone: calling ? LOCATION[p.country].timezone : '',
    language: calling ? LOCATION[p.country].language : '',
    action,
  };
}

function userRow(u: UserModel, action: '' | 'delete' = ''): UserRow {
  return {
    customer: u.customer,
    email: u.email,
    first: u.first,
    last: u.last,
    package: 'webex_meetings',
    action,
  };
}

/** One partner's files for one night; updates the world with what they ask for. */
function partnerNight(
  r: Rng,
  p: PartnerSpec,
  night: number,
  world: World,
  opts: GeneratorOptions,
): Drop[] {
  const names = NAMES[p.locale];
  const customers: CustomerRow[] = [];
  const users: UserRow[] = [];
  const live = liveCustomers(world, p.id);

  // New customers, some held by RPL review, a few with text a spreadsheet would run.
  for (let i = r.int(night === 1 ? 2 : 0, 3); i > 0; i--) {
    const n = nextNumber(world, `customer:${p.id}`);
    const externalId = `${p.id}-${String(n).padStart(3, '0')}`;
    const held = r.chance(0.15);
    const tag = r.tag(5);
    const base = held ? `Hold ${tag}` : `${r.pick(names.company)} ${n}`;
    const name =
      !held && p.encoding !== 'cp932' && r.chance(0.08) ? `${r.pick(HOSTILE)} ${n}` : base;
    const c: CustomerModel = {
      externalId,
      name,
      street: r.int(1, 999),
      packages: r.chance(0.2) ? ['webex_meetings', 'webex_calling'] : ['webex_meetings'],
      hold: held ? tag : null,
      clearsAt: held ? (r.chance(0.5) ? night + r.int(1, 8) : null) : null,
      deleted: false,
      bornAt: night,
    };
    world.customers.set(externalId, c);
    customers.push(customerRow(p, c));
    for (let u = r.int(0, 3); u > 0; u--) users.push(userRow(newUser(r, world, p, c)));
  }

  // Users added to customers sent before.
  for (const c of r.sample(live, r.int(0, 2)))
    for (let u = r.int(1, 2); u > 0; u--) users.push(userRow(newUser(r, world, p, c)));

  // Changes: a new street (a new RPL check, R-RPL-1) or Calling added or taken away.
  for (const c of r.sample(
    live.filter((x) => x.hold === null),
    r.int(0, 2),
  )) {
    if (customers.some((row) => row.externalId === c.externalId)) continue;
    if (r.chance(0.5)) c.street = r.int(1, 999);
    else
      c.packages = c.packages.length > 1 ? ['webex_meetings'] : ['webex_meetings', 'webex_calling'];
    customers.push(customerRow(p, c));
  }
  for (const c of r.sample(live, r.int(0, 1))) {
    const u = r.sample(liveUsers(world, c.externalId), 1)[0];
    if (!u || users.some((row) => row.email === u.email)) continue;
    u.first = r.pick(names.first);
    users.push(userRow(u));
  }

  // Deletes: a user, or a whole customer with its users (their rows say delete).
  if (r.chance(0.25)) {
    const c = r.pick(live.length > 0 ? live : [null]);
    const u = c ? r.sample(liveUsers(world, c.externalId), 1)[0] : undefined;
    if (u && !users.some((row) => row.email === u.email)) {
      u.deleted = true;
      users.push(userRow(u, 'delete'));
    }
  }
  if (r.chance(0.12) && live.length > 2) {
    const c = r.pick(live);
    const touched =
      customers.some((row) => row.externalId === c.externalId) ||
      users.some((row) => row.customer === c.externalId);
    if (!touched) {
      for (const u of liveUsers(world, c.externalId)) {
        if (users.some((row) => row.email === u.email)) continue;
        u.deleted = true;
        users.push(userRow(u, 'delete'));
      }
      c.deleted = true;
      customers.push(customerRow(p, c, 'delete'));
    }
  }

  // Rows that must be refused: a bad email, an unknown package, a user of no known customer.
  let badCustomers = 0;
  let badUsers = 0;
  if (r.chance(0.2)) {
    const n = nextNumber(world, `bad:${p.id}`);
    const c: CustomerRow = {
      ...customerRow(p, {
        externalId: `${p.id}-bad-${n}`,
        name: `${r.pick(names.company)} ${n}`,
        street: 1,
        packages: ['webex_meetings'],
        hold: null,
        clearsAt: null,
        deleted: false,
        bornAt: night,
      }),
    };
    if (r.chance(0.5)) c.email = 'not-an-email';
    else c.packages = 'webex_teleport';
    customers.push(c);
    badCustomers += 1;
  }
  if (r.chance(0.15)) {
    users.push({
      customer: `${p.id}-nobody-${nextNumber(world, `nobody:${p.id}`)}`,
      email: `x${r.tag(4)}@nowhere.example`,
      first: 'No',
      last: 'Body',
      package: 'webex_meetings',
      action: '',
    });
    badUsers += 1;
  }

  const drops: Drop[] = [];
  const fileName = (kind: 'customers' | 'users', ext: string): string => {
    // A re-upload under a name used before, or a new name.
    const label = p.locale === 'ja' ? (kind === 'customers' ? '顧客' : 'ユーザー') : kind;
    const earlier = world.files.filter(
      (f) => f.partner === p.id && f.name.startsWith(`${label}-`) && f.name.endsWith(`.${ext}`),
    );
    if (earlier.length > 0 && r.chance(0.25)) return r.pick(earlier).name;
    return `${label}-${night}-${nextNumber(world, `file:${p.id}`)}.${ext}`;
  };
  const record = (drop: Drop & { kind: 'sheet' }, bad: number) => {
    const key = `${night}:${p.id}:${drops.length}`;
    drops.push({ ...drop, key });
    world.files.push({ key, partner: p.id, name: drop.name, night, badRows: bad });
  };
  if (p.format === 'xlsx') {
    if (customers.length > 0 || users.length > 0)
      record(
        {
          partner: p.id,
          name: fileName(customers.length > 0 ? 'customers' : 'users', 'xlsx'),
          kind: 'sheet',
          customers: customers.length > 0 ? customers : null,
          users: users.length > 0 ? users : null,
          badRows: badCustomers + badUsers,
        },
        badCustomers + badUsers,
      );
  } else {
    if (customers.length > 0)
      record(
        {
          partner: p.id,
          name: fileName('customers', 'csv'),
          kind: 'sheet',
          customers,
          users: null,
          badRows: badCustomers,
        },
        badCustomers,
      );
    if (users.length > 0)
      record(
        {
          partner: p.id,
          name: fileName('users', 'csv'),
          kind: 'sheet',
          customers: null,
          users,
          badRows: badUsers,
        },
        badUsers,
      );
  }

  // The same bytes again (a partner's script that re-sends), under its name or another.
  const older = world.files.filter((f) => f.partner === p.id && f.night < night);
  if (older.length > 0 && r.chance(0.12)) {
    const f = r.pick(older);
    drops.push({
      partner: p.id,
      name: r.chance(0.5) ? f.name : `again-${night}-${f.name}`,
      kind: 'redrop',
      of: f.key,
    });
  }
  // A file the program cannot read.
  if (r.chance(0.05)) {
    const how = r.pick(['unclosed-quote', 'header-only', 'garbage'] as const);
    drops.push({
      partner: p.id,
      name: `broken-${night}-${nextNumber(world, `file:${p.id}`)}.csv`,
      kind: 'broken',
      how,
    });
  }
  // A fixed results file sent back (issue #18 reads it as a normal sheet): behind a flag.
  if (opts.resultsBack && p.format === 'csv' && r.chance(0.1)) {
    const c = r.sample(liveCustomers(world, p.id), 2).map((x) => customerRow(p, x));
    if (c.length > 0)
      drops.push({
        partner: p.id,
        name: `customers-fixed-${night}.csv.results.csv`,
        kind: 'sheet',
        customers: c,
        users: null,
        badRows: 0,
        resultsColumns: true,
      });
  }
  return drops;
}

function newUser(r: Rng, world: World, p: PartnerSpec, c: CustomerModel): UserModel {
  const names = NAMES[p.locale];
  const n = nextNumber(world, `user:${c.externalId}`);
  const u: UserModel = {
    customer: c.externalId,
    email: `u${n}.${r.tag(3)}@${c.externalId}.example`,
    first: r.pick(names.first),
    last: r.pick(names.last),
    deleted: false,
  };
  world.users.set(`${c.externalId}/${u.email}`, u);
  return u;
}

/** A line naming the faults of a night, for the per-night output. */
export function describeFaults(f: FaultPlan): string[] {
  const out: string[] = [];
  if (f.simFaultRate > 0) out.push(`sim-faults ${(f.simFaultRate * 100).toFixed(0)}%`);
  if (f.lostAnswers > 0) out.push(`lost-answers ${(f.lostAnswers * 100).toFixed(0)}%`);
  if (f.burst429)
    out.push(
      `429x${f.burst429.count}@${f.burst429.from}${f.burst429.malformedRetryAfter ? ' (bad Retry-After)' : ''}`,
    );
  if (f.unauthorized)
    out.push(`${f.unauthorized.status}x${f.unauthorized.count}@${f.unauthorized.from}`);
  if (f.latency) out.push(`latency ${f.latency.ms}ms x${f.latency.count}@${f.latency.from}`);
  if (f.kill) out.push(`kill-9 at ${f.kill.point}:${f.kill.nth}`);
  if (f.sigterm)
    out.push(
      `SIGTERM in ${f.sigterm.during}${f.sigterm.during === 'provision' ? ` after ${f.sigterm.afterRequests} requests` : ''}`,
    );
  if (f.concurrent) out.push('second run');
  if (f.dbFull) out.push('database disk full');
  if (f.clockJumpDays > 0) out.push(`clock +${f.clockJumpDays}d`);
  return out;
}
