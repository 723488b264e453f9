import type { Locale } from '../config/index.ts';
import type { ReconcileLine, ReconcileReason } from './report-input.ts';
import type { ChangeCounts, FileStatus, ReconcileCounts, RplCounts, RunStatus } from './summary.ts';

/** Every word the reports show: one dictionary for report.html, index.html, report.xlsx and issues.csv. */
export interface ReportLabels {
  reportTitle: string;
  indexTitle: string;
  runId: string;
  job: string;
  status: string;
  exitCode: string;
  startedAt: string;
  finishedAt: string;
  duration: string;
  dryRun: string;
  yes: string;
  no: string;
  notFinished: string;
  /** reports/index.html: a run whose report folder is gone (pruned by retention, or never written). */
  reportGone: string;
  downloads: string;
  /** Reconciliation sheet: the field that differs, what Webex has (before) and what the sheet asks (after). */
  diffField: string;
  webexValue: string;
  sheetValue: string;
  /** Heading of the index's trend picture. */
  trend: (runs: string) => string;
  /** Link from a run's report back to reports/index.html. */
  allRuns: string;
  runFailure: string;
  dryRunBanner: string;
  totals: string;
  files: string;
  rows: string;
  rowsTotal: string;
  accepted: string;
  rejected: string;
  changes: string;
  customers: string;
  subscribers: string;
  change: Record<keyof ChangeCounts, string>;
  rpl: string;
  rplCount: Record<keyof RplCounts, string>;
  reconcile: string;
  reconcileCount: Record<keyof ReconcileCounts, string>;
  notReconciled: string;
  notes: string;
  /** The heading of what needs a person (the summary's attention list). */
  needsYou: string;
  noNotes: string;
  partner: string;
  fileName: string;
  format: string;
  encoding: string;
  code: string;
  message: string;
  sheet: string;
  row: string;
  column: string;
  value: string;
  count: string;
  noFiles: string;
  fileStatus: Record<FileStatus, string>;
  runStatus: Record<RunStatus | 'running' | 'abandoned', string>;
  issueCounts: string;
  issues: string;
  noIssues: string;
  moreIssues: (more: string) => string;
  plan: string;
  planCounts: string;
  entity: string;
  key: string;
  action: string;
  entityName: Record<'customer' | 'subscriber', string>;
  planAction: Record<'create' | 'update' | 'delete' | 'unchanged', string>;
  morePlanLines: (more: string) => string;
  noRuns: string;
  report: string;
  section: string;
  item: string;
  issuesTruncatedInXlsx: (shown: string, total: string) => string;
  /** reconciliation.csv and the report's reconciliation section. */
  reconcileKey: string;
  webexId: string;
  category: string;
  detail: string;
  reconcileLines: string;
  noDiscrepancies: string;
  reconcileReason: Record<ReconcileReason, string>;
  webexStatus: (status: string) => string;
  fieldDiff: (field: string, webex: string, expected: string) => string;
  pendingChange: string;
  changedOutside: string;
  moreReconcileLines: (more: string) => string;
  /** Partner sections of report.html. */
  partners: string;
  noPartners: string;
  partnerNothing: string;
  refusalsByCode: string;
  rplCustomers: string;
  resultsFiles: string;
  noResultsFiles: string;
  /** Pictures: each has a heading and a one-line text fallback built from its numbers. */
  pictures: string;
  outcomesPerPartner: string;
  rplAges: string;
  quotaUse: (shown: string, total: string) => string;
  quotaLimit: string;
  rplAgeLines: (overdue: string, candidate: string) => string;
  days: (n: string) => string;
  minutes: (n: string) => string;
  /** Sortable and filterable tables. */
  filter: string;
  filterHint: string;
  sortHint: string;
  none: string;
}

const en: ReportLabels = {
  reportTitle: 'Run report',
  indexTitle: 'Runs',
  runId: 'Run ID',
  job: 'Job',
  status: 'Status',
  exitCode: 'Exit code',
  startedAt: 'Started',
  finishedAt: 'Finished',
  duration: 'Duration',
  dryRun: 'Dry run',
  yes: 'Yes',
  no: 'No',
  notFinished: 'not finished',
  reportGone: 'report removed',
  downloads: 'Files of this report',
  diffField: 'Field',
  webexValue: 'In Webex (before)',
  sheetValue: 'In the sheet (after)',
  trend: (runs) => `Last ${runs} runs`,
  allRuns: 'All runs',
  runFailure: 'The run failed',
  dryRunBanner:
    'The changes were planned only. Nothing was sent to Webex, no file was moved and the ledger was not changed.',
  totals: 'Totals',
  files: 'Files',
  rows: 'Rows',
  rowsTotal: 'Total',
  accepted: 'Accepted',
  rejected: 'Rejected',
  changes: 'Changes',
  customers: 'Customers',
  subscribers: 'Subscribers',
  change: {
    created: 'Created',
    updated: 'Updated',
    unchanged: 'Unchanged',
    deleted: 'Deleted',
    failed: 'Failed',
    pending: 'Pending',
  },
  rpl: 'RPL checks',
  rplCount: {
    pending: 'Pending review',
    cleared: 'Cleared',
    overdue: 'Overdue',
    nonCompliant: 'Non-compliant',
    deprovisionCandidates: 'Deprovisioning candidates',
  },
  reconcile: 'Reconciliation',
  reconcileCount: {
    inSync: 'In sync',
    drifted: 'Drifted',
    missingInWebex: 'Missing in Webex',
    orphansInWebex: 'Only in Webex',
    parked: 'In progress',
    partnerOwnOrg: "Partner's own org",
  },
  notReconciled: 'Not reconciled in this run.',
  notes: 'Notes',
  needsYou: 'Needs you',
  noNotes: 'Nothing to note.',
  partner: 'Partner',
  fileName: 'File',
  format: 'Format',
  encoding: 'Encoding',
  code: 'Code',
  message: 'Message',
  sheet: 'Sheet',
  row: 'Row',
  column: 'Column',
  value: 'Value',
  count: 'Count',
  noFiles: 'No files were read in this run.',
  fileStatus: {
    processed: 'Processed',
    duplicate: 'Duplicate',
    quarantined: 'Quarantined',
    skipped: 'Skipped',
  },
  runStatus: {
    ok: 'OK',
    attention: 'Needs attention',
    partial: 'Partial',
    failed: 'Failed',
    running: 'Running',
    abandoned: 'Abandoned',
  },
  issueCounts: 'Issues by code',
  issues: 'Issues',
  noIssues: 'No issues.',
  moreIssues: (more) => `${more} more issues are not shown here; issues.csv lists them all.`,
  plan: 'Provisioning plan',
  planCounts: 'Planned changes',
  entity: 'Entity',
  key: 'Key',
  action: 'Action',
  entityName: { customer: 'Customer', subscriber: 'Subscriber' },
  planAction: { create: 'Create', update: 'Update', delete: 'Delete', unchanged: 'Unchanged' },
  morePlanLines: (more) => `${more} more plan lines are not shown.`,
  noRuns: 'No runs yet.',
  report: 'Report',
  section: 'Section',
  item: 'Item',
  issuesTruncatedInXlsx: (shown, total) =>
    `This workbook lists the first ${shown} of ${total} issues; issues.csv lists them all.`,
  reconcileKey: 'External ID / email',
  webexId: 'Webex ID',
  category: 'Category',
  detail: 'Detail',
  reconcileLines: 'Reconciliation: drifted, missing and only in Webex',
  noDiscrepancies: 'Webex, the ledger and the sheets agree.',
  reconcileReason: {
    same: 'Webex matches the sheet',
    deleted: 'deleted as the sheet asked',
    deleting: 'being deleted as the sheet asked',
    differs: 'Webex differs from the sheet',
    status: 'Webex reports a failed, partial or deleting status',
    notDeleted: 'the sheet asked for a delete, but Webex still has it',
    neverCreated: 'not created in Webex yet',
    goneFromWebex: 'was in Webex, no longer listed there',
    customerMissing: 'its customer is missing in Webex',
    inProgress: 'Webex is still working on it',
    customerInProgress: 'waiting for its customer to be provisioned',
    notInSheets: 'in Webex only: in no sheet and not in the ledger',
    ownOrg: "the partner's own organization (R-SELF-1), not a customer of the sheets",
  },
  webexStatus: (status) => `Webex status ${status}`,
  fieldDiff: (field, webex, expected) => `${field}: Webex "${webex}", expected "${expected}"`,
  pendingChange: 'the change from the sheet has not been sent yet',
  changedOutside: 'changed outside rtm-batch',
  moreReconcileLines: (more) =>
    `${more} more lines are not shown here; reconciliation.csv lists them all.`,
  partners: 'Partners',
  noPartners: 'No partner had files, changes or RPL reviews in this run.',
  partnerNothing: 'nothing in this run',
  refusalsByCode: 'Refusals by code',
  rplCustomers: 'RPL reviews open',
  resultsFiles: 'Results files',
  noResultsFiles: 'No results file written in this run.',
  pictures: 'At a glance',
  outcomesPerPartner: 'Changes per partner, by outcome',
  rplAges: 'Age of open RPL reviews',
  quotaUse: (shown, total) =>
    `Quota use, assigned against limit (the ${shown} fullest of ${total})`,
  quotaLimit: 'limit',
  rplAgeLines: (overdue, candidate) => `overdue after ${overdue}, candidate after ${candidate}`,
  days: (n) => `${n} d`,
  minutes: (n) => `${n} min`,
  filter: 'Filter',
  filterHint: 'Type to show only the rows that contain it (partner, code, status…)',
  sortHint: 'Click a column heading to sort',
  none: 'none',
};

const ja: ReportLabels = {
  reportTitle: '実行レポート',
  indexTitle: '実行履歴',
  runId: '実行ID',
  job: 'ジョブ',
  status: 'ステータス',
  exitCode: '終了コード',
  startedAt: '開始',
  finishedAt: '終了',
  duration: '所要時間',
  dryRun: 'ドライラン',
  yes: 'はい',
  no: 'いいえ',
  notFinished: '未終了',
  reportGone: 'レポート削除済み',
  downloads: 'このレポートのファイル',
  diffField: '項目',
  webexValue: 'Webex の値（変更前）',
  sheetValue: 'シートの値（変更後）',
  trend: (runs) => `直近${runs}回の実行`,
  allRuns: 'すべての実行',
  runFailure: '実行が失敗しました',
  dryRunBanner: '変更は計画のみです。Webexへの送信、ファイルの移動、台帳の更新は行っていません。',
  totals: '集計',
  files: 'ファイル',
  rows: '行',
  rowsTotal: '合計',
  accepted: '受理',
  rejected: '却下',
  changes: '変更',
  customers: '顧客',
  subscribers: 'サブスクライバー',
  change: {
    created: '作成',
    updated: '更新',
    unchanged: '変更なし',
    deleted: '削除',
    failed: '失敗',
    pending: '保留中',
  },
  rpl: 'RPLチェック',
  rplCount: {
    pending: '審査待ち',
    cleared: '承認済み',
    overdue: '期限超過',
    nonCompliant: '非準拠',
    deprovisionCandidates: 'プロビジョニング解除候補',
  },
  reconcile: '照合',
  reconcileCount: {
    inSync: '一致',
    drifted: '差異あり',
    missingInWebex: 'Webexに存在しない',
    orphansInWebex: 'Webexにのみ存在',
    parked: '処理中',
    partnerOwnOrg: 'パートナー自身の組織',
  },
  notReconciled: 'この実行では照合を行っていません。',
  notes: '注意事項',
  needsYou: '対応が必要です',
  noNotes: '特記事項はありません。',
  partner: 'パートナー',
  fileName: 'ファイル',
  format: '形式',
  encoding: '文字コード',
  code: 'コード',
  message: 'メッセージ',
  sheet: 'シート',
  row: '行',
  column: '列',
  value: '値',
  count: '件数',
  noFiles: 'この実行で読み込んだファイルはありません。',
  fileStatus: {
    processed: '処理済み',
    duplicate: '重複',
    quarantined: '隔離',
    skipped: 'スキップ',
  },
  runStatus: {
    ok: '成功',
    attention: '要対応',
    partial: '一部失敗',
    failed: '失敗',
    running: '実行中',
    abandoned: '中断',
  },
  issueCounts: 'コード別の問題件数',
  issues: '問題',
  noIssues: '問題はありません。',
  moreIssues: (more) =>
    `ここに表示していない問題が他に${more}件あります。すべての問題はissues.csvにあります。`,
  plan: 'プロビジョニング計画',
  planCounts: '計画された変更',
  entity: '対象',
  key: 'キー',
  action: '操作',
  entityName: { customer: '顧客', subscriber: 'サブスクライバー' },
  planAction: { create: '作成', update: '更新', delete: '削除', unchanged: '変更なし' },
  morePlanLines: (more) => `表示していない計画行が他に${more}件あります。`,
  noRuns: '実行履歴はまだありません。',
  report: 'レポート',
  section: '区分',
  item: '項目',
  issuesTruncatedInXlsx: (shown, total) =>
    `このブックには${total}件中、最初の${shown}件の問題を記載しています。すべての問題はissues.csvにあります。`,
  reconcileKey: '外部ID / メールアドレス',
  webexId: 'Webex ID',
  category: '区分',
  detail: '詳細',
  reconcileLines: '照合: 差異あり・Webexに存在しない・Webexにのみ存在',
  noDiscrepancies: 'Webex、台帳、シートは一致しています。',
  reconcileReason: {
    same: 'Webexはシートと一致しています',
    deleted: 'シートの指示どおり削除済みです',
    deleting: 'シートの指示どおり削除中です',
    differs: 'Webexとシートに差異があります',
    status: 'Webexが失敗・一部失敗・削除中のステータスを返しています',
    notDeleted: 'シートは削除を指示していますが、Webexにまだ存在します',
    neverCreated: 'Webexにまだ作成されていません',
    goneFromWebex: 'Webexに存在していましたが、現在は一覧にありません',
    customerMissing: '顧客がWebexに存在しません',
    inProgress: 'Webexで処理中です',
    customerInProgress: '顧客のプロビジョニング完了を待っています',
    notInSheets: 'Webexにのみ存在します（どのシートにも台帳にもありません）',
    ownOrg: 'パートナー自身の組織です（R-SELF-1）。シートの顧客ではありません',
  },
  webexStatus: (status) => `Webexのステータス ${status}`,
  fieldDiff: (field, webex, expected) => `${field}: Webex「${webex}」、期待値「${expected}」`,
  pendingChange: 'シートの変更はまだ送信されていません',
  changedOutside: 'rtm-batch以外で変更されました',
  moreReconcileLines: (more) =>
    `ここに表示していない行が他に${more}件あります。すべての行はreconciliation.csvにあります。`,
  partners: 'パートナー別',
  noPartners: 'この実行でファイル・変更・RPL審査のあるパートナーはありません。',
  partnerNothing: 'この実行では何もありません',
  refusalsByCode: 'コード別の却下件数',
  rplCustomers: '審査中のRPL',
  resultsFiles: '結果ファイル',
  noResultsFiles: 'この実行で書き出した結果ファイルはありません。',
  pictures: '概要',
  outcomesPerPartner: 'パートナー別の変更（結果別）',
  rplAges: '審査中のRPLの経過日数',
  quotaUse: (shown, total) =>
    `クォータ使用状況：割り当て数と上限（${total}件中、使用率の高い${shown}件）`,
  quotaLimit: '上限',
  rplAgeLines: (overdue, candidate) => `期限超過 ${overdue}、解除候補 ${candidate}`,
  days: (n) => `${n}日`,
  minutes: (n) => `${n}分`,
  filter: '絞り込み',
  filterHint: '入力した文字を含む行だけを表示します（パートナー、コード、ステータスなど）',
  sortHint: '列見出しをクリックすると並べ替えます',
  none: 'なし',
};

const ptBR: ReportLabels = {
  reportTitle: 'Relatório da execução',
  indexTitle: 'Execuções',
  runId: 'ID da execução',
  job: 'Tarefa',
  status: 'Status',
  exitCode: 'Código de saída',
  startedAt: 'Início',
  finishedAt: 'Término',
  duration: 'Duração',
  dryRun: 'Simulação',
  yes: 'Sim',
  no: 'Não',
  notFinished: 'não terminou',
  reportGone: 'relatório removido',
  downloads: 'Arquivos deste relatório',
  diffField: 'Campo',
  webexValue: 'No Webex (antes)',
  sheetValue: 'Na planilha (depois)',
  trend: (runs) => `Últimas ${runs} execuções`,
  allRuns: 'Todas as execuções',
  runFailure: 'A execução falhou',
  dryRunBanner:
    'As alterações foram apenas planejadas. Nada foi enviado ao Webex, nenhum arquivo foi movido e o registro não foi alterado.',
  totals: 'Totais',
  files: 'Arquivos',
  rows: 'Linhas',
  rowsTotal: 'Total',
  accepted: 'Aceitas',
  rejected: 'Rejeitadas',
  changes: 'Alterações',
  customers: 'Clientes',
  subscribers: 'Assinantes',
  change: {
    created: 'Criados',
    updated: 'Atualizados',
    unchanged: 'Sem alteração',
    deleted: 'Excluídos',
    failed: 'Com falha',
    pending: 'Pendentes',
  },
  rpl: 'Verificações RPL',
  rplCount: {
    pending: 'Em análise',
    cleared: 'Liberados',
    overdue: 'Atrasados',
    nonCompliant: 'Não conformes',
    deprovisionCandidates: 'Candidatos a desprovisionamento',
  },
  reconcile: 'Reconciliação',
  reconcileCount: {
    inSync: 'Sincronizados',
    drifted: 'Divergentes',
    missingInWebex: 'Ausentes no Webex',
    orphansInWebex: 'Somente no Webex',
    parked: 'Em andamento',
    partnerOwnOrg: 'Organização do próprio parceiro',
  },
  notReconciled: 'Não houve reconciliação nesta execução.',
  notes: 'Observações',
  needsYou: 'Precisa de você',
  noNotes: 'Nada a observar.',
  partner: 'Parceiro',
  fileName: 'Arquivo',
  format: 'Formato',
  encoding: 'Codificação',
  code: 'Código',
  message: 'Mensagem',
  sheet: 'Planilha',
  row: 'Linha',
  column: 'Coluna',
  value: 'Valor',
  count: 'Quantidade',
  noFiles: 'Nenhum arquivo foi lido nesta execução.',
  fileStatus: {
    processed: 'Processado',
    duplicate: 'Duplicado',
    quarantined: 'Em quarentena',
    skipped: 'Ignorado',
  },
  runStatus: {
    ok: 'OK',
    attention: 'Requer atenção',
    partial: 'Parcial',
    failed: 'Falhou',
    running: 'Em execução',
    abandoned: 'Abandonada',
  },
  issueCounts: 'Problemas por código',
  issues: 'Problemas',
  noIssues: 'Nenhum problema.',
  moreIssues: (more) =>
    `Outros ${more} problemas não são mostrados aqui; o arquivo issues.csv lista todos.`,
  plan: 'Plano de provisionamento',
  planCounts: 'Alterações planejadas',
  entity: 'Entidade',
  key: 'Chave',
  action: 'Ação',
  entityName: { customer: 'Cliente', subscriber: 'Assinante' },
  planAction: {
    create: 'Criar',
    update: 'Atualizar',
    delete: 'Excluir',
    unchanged: 'Sem alteração',
  },
  morePlanLines: (more) => `Outras ${more} linhas do plano não são mostradas.`,
  noRuns: 'Nenhuma execução ainda.',
  report: 'Relatório',
  section: 'Seção',
  item: 'Item',
  issuesTruncatedInXlsx: (shown, total) =>
    `Esta pasta de trabalho lista os primeiros ${shown} de ${total} problemas; o arquivo issues.csv lista todos.`,
  reconcileKey: 'ID externo / e-mail',
  webexId: 'ID no Webex',
  category: 'Categoria',
  detail: 'Detalhe',
  reconcileLines: 'Reconciliação: divergentes, ausentes e somente no Webex',
  noDiscrepancies: 'O Webex, o registro e as planilhas estão de acordo.',
  reconcileReason: {
    same: 'o Webex corresponde à planilha',
    deleted: 'excluído como a planilha pediu',
    deleting: 'sendo excluído como a planilha pediu',
    differs: 'o Webex difere da planilha',
    status: 'o Webex informa um status de falha, parcial ou de exclusão',
    notDeleted: 'a planilha pediu a exclusão, mas o Webex ainda o tem',
    neverCreated: 'ainda não foi criado no Webex',
    goneFromWebex: 'estava no Webex e não aparece mais lá',
    customerMissing: 'o cliente dele está ausente no Webex',
    inProgress: 'o Webex ainda está trabalhando nele',
    customerInProgress: 'aguardando o provisionamento do cliente',
    notInSheets: 'somente no Webex: em nenhuma planilha e fora do registro',
    ownOrg: 'a organização do próprio parceiro (R-SELF-1), não é um cliente das planilhas',
  },
  webexStatus: (status) => `status no Webex ${status}`,
  fieldDiff: (field, webex, expected) => `${field}: Webex "${webex}", esperado "${expected}"`,
  pendingChange: 'a alteração da planilha ainda não foi enviada',
  changedOutside: 'alterado fora do rtm-batch',
  moreReconcileLines: (more) =>
    `Outras ${more} linhas não são mostradas aqui; o arquivo reconciliation.csv lista todas.`,
  partners: 'Parceiros',
  noPartners: 'Nenhum parceiro teve arquivos, alterações ou análises RPL nesta execução.',
  partnerNothing: 'nada nesta execução',
  refusalsByCode: 'Recusas por código',
  rplCustomers: 'Análises RPL abertas',
  resultsFiles: 'Arquivos de resultado',
  noResultsFiles: 'Nenhum arquivo de resultado foi gravado nesta execução.',
  pictures: 'Visão geral',
  outcomesPerPartner: 'Alterações por parceiro, por resultado',
  rplAges: 'Idade das análises RPL abertas',
  quotaUse: (shown, total) =>
    `Uso de cotas, atribuídas contra o limite (as ${shown} mais cheias de ${total})`,
  quotaLimit: 'limite',
  rplAgeLines: (overdue, candidate) => `atrasada após ${overdue}, candidata após ${candidate}`,
  days: (n) => `${n} d`,
  minutes: (n) => `${n} min`,
  filter: 'Filtrar',
  filterHint: 'Digite para mostrar só as linhas que o contêm (parceiro, código, status…)',
  sortHint: 'Clique no título de uma coluna para ordenar',
  none: 'nenhum',
};

const LABELS: Readonly<Record<Locale, ReportLabels>> = { en, ja, 'pt-BR': ptBR };

/** A reconciliation line's detail in the report locale: why, the Webex status, the differing fields. */
export function describeReconcileLine(line: ReconcileLine, l: ReportLabels): string {
  const parts = [l.reconcileReason[line.reason]];
  if (line.status !== null && line.reason !== 'same') parts.push(l.webexStatus(line.status));
  for (const d of line.diffs) parts.push(l.fieldDiff(d.field, d.webex, d.expected));
  if (line.category === 'drifted' || line.category === 'missingInWebex') {
    if (line.pendingChange) parts.push(l.pendingChange);
    else if (line.reason === 'differs') parts.push(l.changedOutside);
  }
  return parts.join('; ');
}

/** The labels of a report locale. */
export function labelsFor(locale: Locale): ReportLabels {
  return LABELS[locale];
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();

/** Formats a count the way the locale writes numbers (1,234 / 1.234). */
export function formatCount(locale: Locale, n: number): string {
  let format = numberFormats.get(locale);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    numberFormats.set(locale, format);
  }
  return format.format(n);
}
