import type {
  CustomerBody,
  CustomerUpdateBody,
  SubscriberBody,
  WebexCustomer,
  WebexSubscriber,
} from './types.ts';

export interface CustomerQuery {
  externalId?: string;
  orgId?: string;
  status?: string;
}

export interface SubscriberQuery {
  customerId?: string;
  email?: string;
  externalCustomerId?: string;
  status?: string;
}

/** What one create/update/delete answered. */
export interface Accepted {
  id: string;
  trackingId: string | null;
}

/** What a precheck said: passed (infoCode 100), or the refusals as Webex worded them. */
export interface PrecheckResult {
  passed: boolean;
  infos: { infoCode?: number; description?: string }[];
  errors: { errorCode?: number; description?: string }[];
  trackingId: string | null;
}

/** The calls rtm-batch makes to Webex for one partner; the HTTP client, the simulator's fakes and test doubles satisfy it. */
export interface WebexPort {
  /** Requests sent and 429s answered so far, for progress (the HTTP client keeps them). */
  readonly stats?: { requests: number; rateLimited: number };
  listCustomers(query?: CustomerQuery): Promise<WebexCustomer[]>;
  getCustomer(id: string): Promise<WebexCustomer | null>;
  createCustomer(body: CustomerBody): Promise<Accepted>;
  updateCustomer(id: string, body: CustomerUpdateBody): Promise<Accepted>;
  deleteCustomer(id: string): Promise<Accepted>;
  listSubscribers(query?: SubscriberQuery): Promise<WebexSubscriber[]>;
  getSubscriber(id: string): Promise<WebexSubscriber | null>;
  createSubscriber(body: SubscriberBody): Promise<WebexSubscriber & { trackingId: string | null }>;
  updateSubscriber(id: string, body: Pick<SubscriberBody, 'packages'>): Promise<Accepted>;
  deleteSubscriber(id: string): Promise<Accepted>;
  /** POST /wholesale/customers/validate: would this customer be accepted? */
  precheckCustomer(
    body: Partial<CustomerBody> & Pick<CustomerBody, 'address'>,
  ): Promise<PrecheckResult>;
  /** POST /wholesale/subscribers/validate: would this subscriber be accepted? */
  precheckSubscriber(
    body: Partial<SubscriberBody> & Pick<SubscriberBody, 'email'>,
  ): Promise<PrecheckResult>;
}

/** Billing report types (the spec's `type`). */
export type BillingReportType = 'PARTNER' | 'CUSTOMER' | 'USER';

/** What a billing report is asked for: the period's days (YYYY-MM-DD, both included) and its type. */
export interface BillingReportRequest {
  billingStartDate: string;
  billingEndDate: string;
  type: BillingReportType;
}

/** A billing report as Webex describes it; `tempDownloadURL` once COMPLETED. */
export interface BillingReport {
  id: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  billingStartDate?: string;
  billingEndDate?: string;
  type?: BillingReportType;
  category?: 'RECONCILIATION' | 'POINT_IN_TIME';
  tempDownloadURL?: string;
  errors?: { code?: number; description?: string }[];
}

/** The billing report calls of one partner (`/wholesale/billing/reports`); the HTTP client satisfies it. */
export interface BillingPort {
  /** POST: a new report (with the partner's subPartnerOrgId when it has one); its id. */
  createBillingReport(request: BillingReportRequest): Promise<{ id: string }>;
  /** GET one report; null when Webex no longer has it (404). */
  getBillingReport(id: string): Promise<BillingReport | null>;
  /** GET the list: the reports of this type and period (of the partner's sub-partner, if any). */
  listBillingReports(request: BillingReportRequest): Promise<BillingReport[]>;
  /** DELETE; a report already gone is not an error. */
  deleteBillingReport(id: string): Promise<void>;
  /** The CSV at `tempDownloadURL`, as a stream of bytes (a signed URL: no token is sent). */
  downloadBillingReport(url: string): Promise<NodeJS.ReadableStream>;
}
