import { partnerConfig, type Config } from '../config/index.ts';
import { addAttention } from '../reports/index.ts';
import type { RunContext } from '../runs/context.ts';
import type { NewChange } from '../store/index.ts';
import type { CustomerBody } from '../webex/index.ts';

/** `count` customers wait for the partner's onboarding template: one item for the operator. */
export function noteTemplateWait(ctx: RunContext, partner: string, count: number): void {
  if (count > 0)
    addAttention(ctx.tally.attention, {
      kind: 'partner_config',
      partner,
      count,
      message: `${count} customer(s) wait to be created: set partners.${partner}.provisioningId (the Partner Hub onboarding template); their rows are accepted and go out with the next run after it is set.`,
    });
}

/** Customer creates of a plan that wait for the partner's onboarding template. */
export function waitingForTemplate(config: Config, partner: string, changes: NewChange[]): number {
  if (partnerConfig(config, partner).provisioningId) return 0;
  return changes.filter(
    (c) =>
      c.entity === 'customer' &&
      c.action === 'create' &&
      !(c.payload as Partial<CustomerBody>).provisioningId,
  ).length;
}
