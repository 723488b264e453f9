// The partner sheet's vocabulary: its columns, their labels in each locale, how a header row is
// recognised and which language it is in. Read by ingest, written back by results and templates.
export {
  canonicalColumn,
  columnLabel,
  foldHeader,
  headerLocale,
  mapHeaderRow,
  recogniseHeader,
  sheetLocale,
  CUSTOMER_COLUMNS,
  REQUIRED_COLUMNS,
  SUBSCRIBER_COLUMNS,
} from './headers.ts';
export type { HeaderMap, SheetKind } from './headers.ts';
