/** An English customers header (no state column) ending in a column that is not ours: kept in the results. */
export const CUSTOMER_HEADER = [
  'External ID',
  'Customer name',
  'Primary email',
  'Address line 1',
  'City',
  'Postal code',
  'Country',
  'Packages',
  'Provisioning ID',
  'Partner notes',
];
