// What a partner reads back: the only place that turns issue codes into partner words (per
// locale) and that writes results files (contract §2), during the import and after provisioning.
export {
  describeIssue,
  renderRowMessage,
  renderDefaultNote,
  renderDefaultsNote,
  renderPrecheckNote,
  reportIssue,
  type IssueFinding,
  DESCRIBED_CODES,
  type PrecheckStop,
} from './messages.ts';
export {
  writeResultsFiles,
  writeResultsFile,
  withdrawResults,
  resultsFileName,
  renderResultCells,
  resultLabels,
  issueMessages,
  CsvResultsWriter,
  RESULT_WORDS,
} from './write-results-files.ts';
export { rewriteResultsFiles } from './rewrite-results-files.ts';
export { ImportResults, removeStaleResults } from './import-results.ts';
export { RESULT_COLUMNS, partnerColumnCount } from './result-columns.ts';
export { fitFileName, splitExtension, NAME_MAX_BYTES, TEMP_SUFFIX_BYTES } from './file-names.ts';
