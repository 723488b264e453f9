/** The generated partner data both ingest benchmarks read: one customers sheet, many users. */
export const CUSTOMERS = 1000;

/** A customers CSV every subscriber row can name, with limits no row reaches. */
export function customersCsv(): string {
  const lines = [
    'External ID,Customer name,Primary email,Address line 1,City,State or province,Postal code,Country,Packages,Limit webex_meetings,Provisioning ID',
  ];
  for (let i = 0; i < CUSTOMERS; i++)
    lines.push(
      `cust-${i},Customer ${i},admin${i}@c${i}.example,${i} Main St,Austin,TX,78701,US,webex_meetings,100000000,P1`,
    );
  return lines.join('\n') + '\n';
}

export const SUBSCRIBER_HEADER = [
  'Customer external ID',
  'Email',
  'First name',
  'Last name',
  'Package',
  'Admin',
  'Phone number',
  'Extension',
];

/** Subscriber row i: a unique user and phone number, text with accents, one admin in 50. */
export function subscriberCells(i: number): string[] {
  const customer = i % CUSTOMERS;
  return [
    `cust-${customer}`,
    `user${i}@c${customer}.example`,
    `Name ${i}`,
    `São Paulo-${i}`,
    'webex_meetings',
    i % 50 === 0 ? 'yes' : 'no',
    `+1512${String(2_000_000 + (i % 8_000_000)).padStart(7, '0')}`,
    String(1000 + (i % 9000)),
  ];
}
