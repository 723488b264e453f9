import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from '../package-root.ts';

/**
 * The summary schema this package ships (a copy of the shared spec's; a test keeps the two equal
 * wherever the shared folder is beside the repository). A clone on its own has no shared folder.
 */
export const SUMMARY_SCHEMA_PATH = path.join(PACKAGE_ROOT, 'spec/summary.schema.json');

let compiled: ValidateFunction | null = null;

function loadValidator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(SUMMARY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // The schema uses ["string", "null"] unions; ajv's strict mode would warn about each of them.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  // ajv-formats is CommonJS: NodeNext types its default import as the module object, whose
  // `default` is the plugin (module.exports.default is set at run time too).
  addFormatsModule.default(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Checks a summary against summary.schema.json; [] when valid, else one readable line per problem. */
export function validateSummary(summary: unknown): string[] {
  const validate = loadValidator();
  if (validate(summary)) return [];
  return (validate.errors ?? []).map((e) => describeError(e, summary));
}

function describeError(e: ErrorObject, root: unknown): string {
  const where = jsonPointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${joinPath(where, String(params.missingProperty))}: is required but missing`;
    case 'enum':
      return `${where}: ${show(valueAt(root, e.instancePath))} is not one of ${(params.allowedValues as unknown[]).map(show).join(', ')}`;
    case 'type':
      return `${where}: ${show(valueAt(root, e.instancePath))} must be of type ${String(params.type).replace(',', ' or ')}`;
    default:
      return `${where}: ${show(valueAt(root, e.instancePath))} ${e.message ?? 'is invalid'}`;
  }
}

function jsonPointerToPath(pointer: string): string {
  let out = 'summary';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = joinPath(out, part);
  }
  return out;
}

function joinPath(base: string, part: string): string {
  if (/^\d+$/.test(part)) return `${base}[${part}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(part)) return `${base}.${part}`;
  return `${base}[${JSON.stringify(part)}]`;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
