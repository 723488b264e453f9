import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { PACKAGE_ROOT } from '../../package-root.ts';

// The published spec, copied unchanged (see NOTICE.md beside it), is the simulator's contract:
// request bodies, query parameters and our own answers are all checked against it.
const SPEC_FILE = path.join(PACKAGE_ROOT, 'src/webex/simulator/webex-wholesale.openapi.json');
const SPEC_ID = 'spec';

/** The operations the simulator serves, named `<method> <spec path>`. */
export type SpecOperation =
  | 'get /wholesale/customers'
  | 'post /wholesale/customers'
  | 'get /wholesale/customers/{customerId}'
  | 'put /wholesale/customers/{customerId}'
  | 'delete /wholesale/customers/{customerId}'
  | 'post /wholesale/customers/validate'
  | 'get /wholesale/subscribers'
  | 'post /wholesale/subscribers'
  | 'get /wholesale/subscribers/{subscriberId}'
  | 'put /wholesale/subscribers/{subscriberId}'
  | 'delete /wholesale/subscribers/{subscriberId}'
  | 'post /wholesale/subscribers/validate'
  | 'get /wholesale/billing/reports'
  | 'post /wholesale/billing/reports'
  | 'get /wholesale/billing/reports/{id}'
  | 'delete /wholesale/billing/reports/{id}';

/** Component schemas an answer of the simulator must satisfy. */
export type SpecSchemaName =
  | 'Customer'
  | 'CustomerListResponse'
  | 'Subscriber'
  | 'SubscriberListResponse'
  | 'ResourceURL'
  | 'CustomerProvisioningPrecheckResponse'
  | 'SubscriberProvisioningPrecheckResponse';

interface SpecParameter {
  name: string;
  in: string;
  schema?: Record<string, unknown>;
}

interface SpecOperationObject {
  parameters?: SpecParameter[];
  requestBody?: { content: Record<string, { schema: unknown }> };
}

interface SpecDocument {
  paths: Record<string, Record<string, SpecOperationObject>>;
  components: {
    schemas: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }>;
  };
}

// Webex is stricter on the wire than its parameter schemas say: `max` and `offset` are typed as
// strings for customers, and status filters list no values. These narrow the spec, never widen it.
const QUERY_OVERRIDES: Partial<Record<SpecOperation, Record<string, object>>> = {
  'get /wholesale/customers': {
    max: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    status: {
      type: 'array',
      items: { $ref: `${SPEC_ID}#/components/schemas/Customer/properties/status` },
    },
  },
  'get /wholesale/subscribers': {
    max: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    status: { $ref: `${SPEC_ID}#/components/schemas/Subscriber/properties/status` },
    sortOrder: { enum: ['ASC', 'DESC'] },
  },
};

const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as SpecDocument;

function schemaEnum(name: string, property?: string): readonly string[] {
  const schema = spec.components.schemas[name];
  const values = property === undefined ? schema?.enum : schema?.properties?.[property]?.enum;
  if (values === undefined)
    throw new Error(
      `spec: components.schemas.${name} has no enum${property ? ` on ${property}` : ''}`,
    );
  return values;
}

/** Packages a customer may hold (the spec's WholesalePackagesCustomer enum). */
export const CUSTOMER_PACKAGES = schemaEnum('WholesalePackagesCustomer');
/** Packages a subscriber may hold (the spec's WholesalePackagesSubscriber enum). */
export const SUBSCRIBER_PACKAGES = schemaEnum('WholesalePackagesSubscriber');
/** Packages the single `package` field of a subscriber may name (older than `packages`). */
export const SUBSCRIBER_SINGLE_PACKAGES = schemaEnum('Subscriber', 'package');
/** Customer statuses the spec defines. */
export const CUSTOMER_STATUSES = schemaEnum('Customer', 'status');
/** Subscriber statuses the spec defines. */
export const SUBSCRIBER_STATUSES = schemaEnum('Subscriber', 'status');

function newAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    coerceTypes: coerce ? 'array' : false,
  });
  // ajv-formats is CommonJS: under NodeNext its default import is the module record, hence `.default`.
  formatsPlugin.default(ajv);
  ajv.addSchema(spec, SPEC_ID);
  return ajv;
}

// Compiled lazily and once per process: adding the 540 kB spec costs little, compiling all of it would.
let ajvs: { plain: Ajv; coercing: Ajv } | null = null;
const compiled = new Map<string, ValidateFunction>();

function validator(key: string, coerce: boolean, schema: () => object): ValidateFunction {
  const cacheKey = `${coerce ? 'q' : 'b'} ${key}`;
  let fn = compiled.get(cacheKey);
  if (fn === undefined) {
    ajvs ??= { plain: newAjv(false), coercing: newAjv(true) };
    fn = (coerce ? ajvs.coercing : ajvs.plain).compile(schema());
    compiled.set(cacheKey, fn);
  }
  return fn;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

function operationObject(op: SpecOperation): SpecOperationObject {
  const [method, path] = op.split(' ') as [string, string];
  const found = spec.paths[path]?.[method];
  if (found === undefined) throw new Error(`spec: no operation ${op}`);
  return found;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/** One sentence per ajv error: where, what was there, and what is allowed. */
function describe(where: string, e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const at = path === '' ? where : `${where} ${path}`;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return `${where} ${path === '' ? missing : `${path}.${missing}`} is required`;
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return `${at} is ${typeName(e.data)}, which is not one of: ${allowed.join(', ')}`;
    }
    case 'type':
      return `${at} must be ${(e.params as { type: string }).type} (got ${typeName(e.data)})`;
    default:
      return `${at} ${e.message ?? 'is invalid'} (got ${typeName(e.data)})`;
  }
}

function issuesOf(where: string, fn: ValidateFunction): string[] {
  return (fn.errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== '$ref')
    .map((e) => describe(where, e));
}

/** Issues of a request body against the operation's spec schema; [] when it conforms. */
export function validateRequestBody(op: SpecOperation, body: unknown): string[] {
  const fn = validator(op, false, () => {
    const content = operationObject(op).requestBody?.content['application/json'];
    if (content === undefined) throw new Error(`spec: ${op} takes no JSON body`);
    const [method, path] = op.split(' ') as [string, string];
    return {
      $ref: `${SPEC_ID}#/${pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema')}`,
    };
  });
  if (body === undefined) return ['request body is required: a JSON object'];
  return fn(body) ? [] : issuesOf('request body', fn);
}

/** The query of a request typed per the spec (numbers coerced, arrays split on commas), or its issues. */
export function parseQuery(
  op: SpecOperation,
  params: URLSearchParams,
): { query: Record<string, unknown>; issues: [] } | { query: null; issues: string[] } {
  const declared = (operationObject(op).parameters ?? []).filter((p) => p.in === 'query');
  const overrides = QUERY_OVERRIDES[op] ?? {};
  const fn = validator(op, true, () => ({
    type: 'object',
    properties: Object.fromEntries(
      declared.map((p) => [p.name, overrides[p.name] ?? p.schema ?? {}]),
    ),
  }));
  const query: Record<string, unknown> = {};
  for (const p of declared) {
    const values = params.getAll(p.name);
    if (values.length === 0) continue;
    const schema = (overrides[p.name] ?? p.schema ?? {}) as { type?: string };
    // Webex takes repeated parameters and comma lists alike for array filters.
    query[p.name] =
      schema.type === 'array'
        ? values.flatMap((v) => v.split(',')).filter((v) => v !== '')
        : values[values.length - 1];
  }
  return fn(query)
    ? { query, issues: [] }
    : { query: null, issues: issuesOf('query parameter', fn) };
}

/** Issues of a value against a component schema of the spec; [] when it conforms. */
export function validateSpecSchema(name: SpecSchemaName, value: unknown): string[] {
  const fn = validator(name, false, () => ({ $ref: `${SPEC_ID}#/components/schemas/${name}` }));
  return fn(value) ? [] : issuesOf(name, fn);
}

const BODY_OPERATIONS: readonly SpecOperation[] = [
  'post /wholesale/customers',
  'put /wholesale/customers/{customerId}',
  'post /wholesale/customers/validate',
  'post /wholesale/subscribers',
  'put /wholesale/subscribers/{subscriberId}',
  'post /wholesale/subscribers/validate',
  'post /wholesale/billing/reports',
];
const QUERY_OPERATIONS: readonly SpecOperation[] = [
  'get /wholesale/customers',
  'get /wholesale/subscribers',
  'get /wholesale/billing/reports',
];

/**
 * Compiles the request validators up front: compiled lazily, the first request of each kind took
 * hundreds of milliseconds, and requests queued behind it reached the rate window all at once.
 */
export function compileValidators(): void {
  for (const op of BODY_OPERATIONS) validateRequestBody(op, {});
  for (const op of QUERY_OPERATIONS) parseQuery(op, new URLSearchParams());
}
