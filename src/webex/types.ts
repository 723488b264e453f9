// Wire shapes of the Wholesale API we use (webex-wholesale.openapi.json); the spec wins on any doubt.

export type CustomerStatus =
  | 'provisioning'
  | 'updating'
  | 'deleting'
  | 'pending_rpl_review'
  | 'provisioned'
  | 'provisioned_with_errors'
  | 'error';

/** Statuses after which Webex does no more work on its own. */
export const FINAL_CUSTOMER_STATUSES: ReadonlySet<CustomerStatus> = new Set([
  'provisioned',
  'provisioned_with_errors',
  'error',
]);

export interface WebexAddress {
  addressLine1: string;
  addressLine2?: string;
  city: string;
  stateOrProvince?: string;
  zipOrPostalCode?: string;
  country: string;
}

export interface WebexError {
  errorCode?: number;
  description?: string;
}

export interface WebexCustomer {
  id: string;
  orgId?: string;
  externalId?: string;
  address?: WebexAddress;
  status: CustomerStatus;
  packages?: string[];
  resourceDetails?: {
    packages?: { name: string; status?: string; warnings?: WebexError[]; errors?: WebexError[] }[];
  };
  errors?: WebexError[];
}

export interface CustomerBody {
  provisioningId: string;
  packages: string[];
  externalId: string;
  address: WebexAddress;
  orgId?: string;
  customerInfo?: { name: string; primaryEmail: string; language?: string };
  provisioningParameters?: {
    calling?: {
      location: { name: string; address: WebexAddress; timezone: string; language: string };
    };
    meetings?: { timezone: string };
    packages?: { limits: Record<string, number> };
  };
}

/** PUT replaces the whole package list: send every package the customer keeps. */
export interface CustomerUpdateBody {
  packages: string[];
  externalId?: string;
  address?: WebexAddress;
  provisioningParameters?: CustomerBody['provisioningParameters'];
}

/** `provisioned`, `pending_user_migration`, `error`; kept open because the enum grows. */
export type SubscriberStatus = string;

export interface WebexSubscriber {
  id: string;
  personId?: string;
  email: string;
  customerId: string;
  externalCustomerId?: string;
  package?: string;
  packages?: string[];
  status: SubscriberStatus;
  errors?: WebexError[];
}

export interface SubscriberBody {
  customerId: string;
  email: string;
  packages: string[];
  provisioningParameters: {
    firstName?: string;
    lastName?: string;
    primaryPhoneNumber?: string;
    extension?: string;
    locationId?: string;
  };
}
