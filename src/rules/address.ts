import { DEFAULT_ADDRESS_POLICY, type AddressPolicy } from './data/address-policy.ts';
import { makeIssue } from './issue.ts';
import type { RowIssue } from './types.ts';

/** R-ADDR-1: the longest address line Webex accepts. */
export const MAX_ADDRESS_LINE = 50;

/** The address cells of a customer row, as written. */
export interface AddressCells {
  address_line1: string;
  address_line2: string;
  state_or_province: string;
  zip_or_postal_code: string;
  /** Alpha-2 code, already checked. */
  country: string;
}

/**
 * R-ADDR-1 beyond the required line 1, city and country: line lengths, the country's postal-code
 * format, and the state and postal code the country's policy requires (`calling`: the customer
 * has a calling package, so this address is also its calling location's).
 */
export function validateAddress(
  cells: AddressCells,
  hasCalling: boolean,
  policies: Readonly<Record<string, AddressPolicy>>,
): RowIssue[] {
  const issues: RowIssue[] = [];
  for (const column of ['address_line1', 'address_line2'] as const) {
    const length = [...cells[column]].length;
    if (length > MAX_ADDRESS_LINE)
      issues.push(
        makeIssue('ADDRESS_TOO_LONG', column, cells[column], { length, max: MAX_ADDRESS_LINE }),
      );
  }
  const policy = policies[cells.country] ?? DEFAULT_ADDRESS_POLICY;
  const needed = (r: AddressPolicy['postalRequired']) =>
    r === 'always' || (r === 'calling' && hasCalling);
  const postal = cells.zip_or_postal_code;
  if (postal) {
    const problem = checkPostalCode(postal, cells.country, policy);
    if (problem) issues.push(problem);
  } else if (needed(policy.postalRequired)) {
    issues.push(
      makeIssue('ADDRESS_REQUIRED_FOR_COUNTRY', 'zip_or_postal_code', null, {
        country: cells.country,
        field: 'postal',
        reason: policy.postalRequired,
      }),
    );
  }
  if (!cells.state_or_province && needed(policy.stateRequired)) {
    issues.push(
      makeIssue('ADDRESS_REQUIRED_FOR_COUNTRY', 'state_or_province', null, {
        country: cells.country,
        field: 'state',
        reason: policy.stateRequired,
      }),
    );
  }
  return issues;
}

function checkPostalCode(postal: string, country: string, policy: AddressPolicy): RowIssue | null {
  const { postalCode: pattern, postalExample } = policy;
  if (!pattern || pattern.test(postal)) return null;
  const example = postalExample ?? '';
  // A spreadsheet that stored the code as a number: 6.66E+03, 06600 → 6600, 28801 → 28801.0
  if (/^\d+([.,]\d+)?e\+?\d+$/i.test(postal))
    return makeIssue('VALUE_DAMAGED', 'zip_or_postal_code', postal, {
      damage: 'scientific notation',
      example,
    });
  const integral = /^(\d+)\.0+$/.exec(postal)?.[1];
  if (integral && pattern.test(integral))
    return makeIssue('VALUE_DAMAGED', 'zip_or_postal_code', postal, {
      damage: 'stored as a number',
      suggestion: integral,
    });
  if (/^\d+$/.test(postal)) {
    for (const zeros of ['0', '00']) {
      if (pattern.test(zeros + postal))
        return makeIssue('VALUE_DAMAGED', 'zip_or_postal_code', postal, {
          damage: 'lost its leading 0',
          suggestion: zeros + postal,
        });
    }
  }
  return makeIssue('INVALID_POSTAL_CODE', 'zip_or_postal_code', postal, { country, example });
}
