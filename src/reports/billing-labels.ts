import type { Locale } from '../config/index.ts';

/**
 * The words of billing reconciliation (issue 22) in report.html, report.xlsx and billing.csv, per
 * report locale. billing.csv keeps its level and category as codes (as reconciliation.csv keeps
 * its category): a spreadsheet filters on them whatever the language of the header.
 */
export interface BillingLabels {
  title: string;
  pointInTime: string;
  intro: string;
  noDiscrepancy: string;
  more: (n: string) => string;
  partner: string;
  level: string;
  customer: string;
  customerOrgId: string;
  user: string;
  package: string;
  billedPackages: string;
  webexCount: string;
  ledgerCount: string;
  limit: string;
  category: string;
  /** billing.csv's own columns. */
  customerExternalId: string;
  userEmail: string;
  sheetPackage: string;
  removedAt: string;
  levelName: Record<'user' | 'customer', string>;
  /** A user's category (compare-billing.ts) and the user counts of a Webex view. */
  userCategory: Record<string, string>;
  /** A customer and package's category. */
  customerCategory: Record<string, string>;
}

const en: BillingLabels = {
  title: 'Billing reconciliation',
  pointInTime: '(point in time)',
  intro: 'What Webex bills held against the sheets and the ledger; every line is in billing.csv.',
  noDiscrepancy: 'No discrepancy.',
  more: (n) => `${n} more lines are in report.xlsx and billing.csv.`,
  partner: 'Partner',
  level: 'Level',
  customer: 'Customer',
  customerOrgId: 'Customer org ID',
  user: 'User',
  package: 'Package',
  billedPackages: 'Billed packages',
  webexCount: 'Webex count',
  ledgerCount: 'Ledger count',
  limit: 'Limit',
  category: 'Category',
  customerExternalId: 'Customer external ID',
  userEmail: 'User email',
  sheetPackage: 'Sheet package',
  removedAt: 'Removed at',
  levelName: { user: 'User', customer: 'Customer' },
  userCategory: {
    billed: 'users billed',
    ledger: 'users in the ledger',
    matched: 'matched',
    packageDiffers: 'billed under another package',
    unknown: 'billed, in no sheet',
    billedAfterRemoval: 'billed after removal',
    notBilled: 'in the ledger, not billed',
    partnerOwnOrg: "partner's own org (R-SELF-1)",
  },
  customerCategory: {
    ok: 'as in the ledger',
    overLimit: "over the sheet's limit",
    countDiffers: 'count differs from the ledger',
    unknownCustomer: 'customer in no sheet',
    partnerOwnOrg: "partner's own org (R-SELF-1)",
  },
};

const ja: BillingLabels = {
  title: '請求の照合',
  pointInTime: '（時点）',
  intro: 'Webex の請求をシートと台帳に照らし合わせました。すべての行は billing.csv にあります。',
  noDiscrepancy: '相違はありません。',
  more: (n) => `ほか ${n} 行は report.xlsx と billing.csv にあります。`,
  partner: 'パートナー',
  level: 'レベル',
  customer: '顧客',
  customerOrgId: '顧客の組織ID',
  user: 'ユーザー',
  package: 'パッケージ',
  billedPackages: '請求されたパッケージ',
  webexCount: 'Webexの数',
  ledgerCount: '台帳の数',
  limit: '上限',
  category: '区分',
  customerExternalId: '顧客の外部ID',
  userEmail: 'ユーザーのメールアドレス',
  sheetPackage: 'シートのパッケージ',
  removedAt: '削除日時',
  levelName: { user: 'ユーザー', customer: '顧客' },
  userCategory: {
    billed: '請求されたユーザー',
    ledger: '台帳のユーザー',
    matched: '一致',
    packageDiffers: '別のパッケージで請求',
    unknown: '請求あり（どのシートにもない）',
    billedAfterRemoval: '削除後に請求',
    notBilled: '台帳にあり、請求なし',
    partnerOwnOrg: 'パートナー自身の組織（R-SELF-1）',
  },
  customerCategory: {
    ok: '台帳と一致',
    overLimit: 'シートの上限を超過',
    countDiffers: '台帳と数が異なる',
    unknownCustomer: 'どのシートにもない顧客',
    partnerOwnOrg: 'パートナー自身の組織（R-SELF-1）',
  },
};

const ptBR: BillingLabels = {
  title: 'Conciliação de faturamento',
  pointInTime: '(momento)',
  intro:
    'O que o Webex cobra, comparado com as planilhas e o registro; todas as linhas estão em billing.csv.',
  noDiscrepancy: 'Nenhuma divergência.',
  more: (n) => `Mais ${n} linhas estão em report.xlsx e billing.csv.`,
  partner: 'Parceiro',
  level: 'Nível',
  customer: 'Cliente',
  customerOrgId: 'ID da org. do cliente',
  user: 'Usuário',
  package: 'Pacote',
  billedPackages: 'Pacotes cobrados',
  webexCount: 'Contagem no Webex',
  ledgerCount: 'Contagem no registro',
  limit: 'Limite',
  category: 'Categoria',
  customerExternalId: 'ID externo do cliente',
  userEmail: 'E-mail do usuário',
  sheetPackage: 'Pacote da planilha',
  removedAt: 'Removido em',
  levelName: { user: 'Usuário', customer: 'Cliente' },
  userCategory: {
    billed: 'usuários cobrados',
    ledger: 'usuários no registro',
    matched: 'conferem',
    packageDiffers: 'cobrado em outro pacote',
    unknown: 'cobrado, em nenhuma planilha',
    billedAfterRemoval: 'cobrado após a remoção',
    notBilled: 'no registro, não cobrado',
    partnerOwnOrg: 'org. do próprio parceiro (R-SELF-1)',
  },
  customerCategory: {
    ok: 'igual ao registro',
    overLimit: 'acima do limite da planilha',
    countDiffers: 'contagem diferente do registro',
    unknownCustomer: 'cliente em nenhuma planilha',
    partnerOwnOrg: 'org. do próprio parceiro (R-SELF-1)',
  },
};

const BY_LOCALE: Record<Locale, BillingLabels> = { en, ja, 'pt-BR': ptBR };

export function billingLabelsFor(locale: Locale): BillingLabels {
  return BY_LOCALE[locale];
}

/** billing.csv's header in the report's language. */
export function billingCsvColumns(locale: Locale): string[] {
  const l = billingLabelsFor(locale);
  return [
    l.partner,
    l.level,
    l.customerExternalId,
    l.customerOrgId,
    l.userEmail,
    l.sheetPackage,
    l.billedPackages,
    l.webexCount,
    l.ledgerCount,
    l.limit,
    l.category,
    l.removedAt,
  ];
}
