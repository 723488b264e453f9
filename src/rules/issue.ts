import type { IssueCode, IssueParams, RowIssue } from './types.ts';

/** A row issue; the cell's value, when there is one, is also the message's `value` parameter. */
export function makeIssue(
  code: IssueCode,
  column: string | null,
  value: string | null,
  params: IssueParams = {},
): RowIssue {
  return { code, column, value, params: value === null ? params : { value, ...params } };
}
