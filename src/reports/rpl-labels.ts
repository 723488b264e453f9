import type { Locale } from '../config/index.ts';

/** The words of the RPL section and of deprovision-candidates.csv (R-RPL-3..5), per report locale. */
export interface RplLabels {
  section: string;
  open: string;
  noOpen: string;
  closedSinceLastRun: string;
  noClosed: string;
  deprovisions: string;
  partner: string;
  customer: string;
  customerName: string;
  webexId: string;
  trigger: string;
  openedAt: string;
  closedAt: string;
  ageMinutes: string;
  ageDays: string;
  /** Header of an age shown in days and hours. */
  age: string;
  /** An age in days and hours, the counts already formatted. */
  daysHours: (days: string, hours: string) => string;
  lastStatus: string;
  attempts: string;
  unreachable: string;
  overdue: string;
  candidate: string;
  reason: string;
  users: string;
  userEmails: string;
  outcome: string;
  subscribersDeleted: string;
  message: string;
  triggerName: Record<string, string>;
  reasonName: Record<string, string>;
  closeReasonName: Record<string, string>;
  outcomeName: Record<string, string>;
}

const en: RplLabels = {
  section: 'RPL reviews',
  open: 'Open checks',
  noOpen: 'No RPL check is open.',
  closedSinceLastRun: 'Closed since the last run',
  noClosed: 'No RPL check closed since the last run.',
  deprovisions: 'Deprovisioning',
  partner: 'Partner',
  customer: 'Customer external ID',
  customerName: 'Customer name',
  webexId: 'Webex ID',
  trigger: 'Trigger',
  openedAt: 'Opened',
  closedAt: 'Closed',
  ageMinutes: 'Age (minutes)',
  ageDays: 'Age (days)',
  age: 'Age',
  daysHours: (d, h) => `${d} d ${h} h`,
  lastStatus: 'Last status',
  attempts: 'Contact attempts',
  unreachable: 'Unreachable attempts',
  overdue: 'Overdue',
  candidate: 'Deprovisioning candidate',
  reason: 'Reason',
  users: 'Users',
  userEmails: 'User emails',
  outcome: 'Outcome',
  subscribersDeleted: 'Users removed',
  message: 'Message',
  triggerName: { create: 'Customer created', address_change: 'Billing address changed' },
  reasonName: {
    non_compliant_days: 'Non-compliant for too long (R-RPL-5)',
    unreachable_attempts: 'Partner unreachable (R-RPL-5)',
  },
  closeReasonName: {
    cleared: 'Cleared',
    error: 'Customer in error',
    deleted: 'Customer deleted',
    deprovisioned: 'Deprovisioned',
  },
  outcomeName: {
    deleted: 'Removed',
    failed: 'Failed',
    skipped_cleared: 'Skipped: cleared since the plan',
    skipped_not_candidate: 'Skipped: no longer a candidate',
    skipped_own_org: "Skipped: the partner's own organization",
    skipped_cap: 'Skipped: over the cap of this run',
    skipped_gone: 'Already gone from Webex',
    skipped_done: 'Already removed by this plan',
    would_delete: 'Would be removed (dry run)',
  },
};

const ja: RplLabels = {
  section: 'RPL審査',
  open: '未完了のチェック',
  noOpen: '未完了のRPLチェックはありません。',
  closedSinceLastRun: '前回の実行以降に完了',
  noClosed: '前回の実行以降に完了したRPLチェックはありません。',
  deprovisions: 'プロビジョニング解除',
  partner: 'パートナー',
  customer: '顧客外部ID',
  customerName: '顧客名',
  webexId: 'Webex ID',
  trigger: '契機',
  openedAt: '開始',
  closedAt: '完了',
  ageMinutes: '経過（分）',
  ageDays: '経過（日）',
  age: '経過',
  daysHours: (d, h) => `${d}日${h}時間`,
  lastStatus: '最新の状態',
  attempts: '連絡回数',
  unreachable: '不通の回数',
  overdue: '期限超過',
  candidate: '解除候補',
  reason: '理由',
  users: 'ユーザー数',
  userEmails: 'ユーザーのメールアドレス',
  outcome: '結果',
  subscribersDeleted: '削除したユーザー',
  message: 'メッセージ',
  triggerName: { create: '顧客の作成', address_change: '請求先住所の変更' },
  reasonName: {
    non_compliant_days: 'コンプライアンス違反の期間超過（R-RPL-5）',
    unreachable_attempts: 'パートナーに連絡がつかない（R-RPL-5）',
  },
  closeReasonName: {
    cleared: '承認',
    error: '顧客がエラー',
    deleted: '顧客が削除済み',
    deprovisioned: 'プロビジョニング解除済み',
  },
  outcomeName: {
    deleted: '削除',
    failed: '失敗',
    skipped_cleared: 'スキップ：計画後に承認',
    skipped_not_candidate: 'スキップ：候補ではなくなった',
    skipped_own_org: 'スキップ：パートナー自身の組織',
    skipped_cap: 'スキップ：この実行の上限を超過',
    skipped_gone: 'Webexから既に削除済み',
    skipped_done: 'この計画で削除済み',
    would_delete: '削除予定（ドライラン）',
  },
};

const ptBR: RplLabels = {
  section: 'Revisões RPL',
  open: 'Verificações abertas',
  noOpen: 'Nenhuma verificação RPL aberta.',
  closedSinceLastRun: 'Encerradas desde a última execução',
  noClosed: 'Nenhuma verificação RPL encerrada desde a última execução.',
  deprovisions: 'Desprovisionamento',
  partner: 'Parceiro',
  customer: 'ID externo do cliente',
  customerName: 'Nome do cliente',
  webexId: 'ID Webex',
  trigger: 'Motivo da verificação',
  openedAt: 'Aberta em',
  closedAt: 'Encerrada em',
  ageMinutes: 'Idade (minutos)',
  ageDays: 'Idade (dias)',
  age: 'Idade',
  daysHours: (d, h) => `${d} d ${h} h`,
  lastStatus: 'Último status',
  attempts: 'Tentativas de contato',
  unreachable: 'Tentativas sem resposta',
  overdue: 'Atrasada',
  candidate: 'Candidato a desprovisionamento',
  reason: 'Razão',
  users: 'Usuários',
  userEmails: 'E-mails dos usuários',
  outcome: 'Resultado',
  subscribersDeleted: 'Usuários removidos',
  message: 'Mensagem',
  triggerName: { create: 'Cliente criado', address_change: 'Endereço de cobrança alterado' },
  reasonName: {
    non_compliant_days: 'Não conforme por tempo demais (R-RPL-5)',
    unreachable_attempts: 'Parceiro sem resposta (R-RPL-5)',
  },
  closeReasonName: {
    cleared: 'Aprovada',
    error: 'Cliente com erro',
    deleted: 'Cliente excluído',
    deprovisioned: 'Desprovisionado',
  },
  outcomeName: {
    deleted: 'Removido',
    failed: 'Falhou',
    skipped_cleared: 'Ignorado: aprovado depois do plano',
    skipped_not_candidate: 'Ignorado: não é mais candidato',
    skipped_own_org: 'Ignorado: a organização do próprio parceiro',
    skipped_cap: 'Ignorado: acima do limite desta execução',
    skipped_gone: 'Já não existe no Webex',
    skipped_done: 'Já removido por este plano',
    would_delete: 'Seria removido (simulação)',
  },
};

const LABELS: Readonly<Record<Locale, RplLabels>> = { en, ja, 'pt-BR': ptBR };

/** The RPL labels of a report locale. */
export function rplLabelsFor(locale: Locale): RplLabels {
  return LABELS[locale];
}
