import type { DefaultNote, IssueCode, IssueParams, RowIssue } from './types.ts';

/** A row issue; the cell's value, when there is one, is also the message's `value` parameter. */
export function makeIssue(
  code: IssueCode,
  column: string | null,
  value: string | null,
  params: IssueParams = {},
): RowIssue {
  return { code, column, value, params: value === null ? params : { value, ...params } };
}

/** R-CALL-1: a value the rules filled in, as an informational issue on its row and column. */
export function defaultIssue(note: DefaultNote): RowIssue {
  return makeIssue('LOCATION_DEFAULTED', note.column, note.value, {
    from: note.from,
    rule: note.rule,
  });
}
