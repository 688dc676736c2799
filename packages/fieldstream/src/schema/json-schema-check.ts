// Validates values against a JSON Schema, synchronously and without dependencies, so that a JSON
// Schema alone can judge each field as it completes and the finished value at the end.

import type { ValidationIssue } from "../errors/index.js";
import type { PathSegment } from "../json/index.js";
import {
  allowedValues,
  declaredTypes,
  documentOf,
  findDiscriminator,
  isList,
  isSchemaObject,
  type JsonSchema,
  type JsonSchemaDocument,
  type JsonSchemaObject,
  type JsonSchemaTypeName,
  typeList,
} from "./json-schema.js";
import type { Check } from "./node.js";

/** Adds what is wrong with `value` to `issues`; `path` is where `value` stands (restored on return). */
type Validator = (value: unknown, path: PathSegment[], issues: ValidationIssue[]) => void;

/** The check of a whole value against a JSON Schema (the final validation when no other validator is given). */
export function checkJsonSchema(schema: JsonSchema): Check {
  return checkerOf(documentOf(schema)).check(schema);
}

const checkers = new WeakMap<JsonSchemaDocument, JsonSchemaChecker>();

/** The validators of one document, compiled once per schema object. */
export function checkerOf(document: JsonSchemaDocument): JsonSchemaChecker {
  let checker = checkers.get(document);
  if (!checker) {
    checker = new JsonSchemaChecker(document);
    checkers.set(document, checker);
  }
  return checker;
}

export class JsonSchemaChecker {
  private readonly validators = new Map<object, Validator>();

  constructor(private readonly document: JsonSchemaDocument) {}

  /** The check of `schema`, a schema inside this document (or a combination of its schemas). */
  check(schema: JsonSchema): Check {
    const validate = this.compile(schema);
    return (value) => {
      const issues: ValidationIssue[] = [];
      validate(value, [], issues);
      return issues.length > 0 ? { issues } : { value };
    };
  }

  private compile(schema: JsonSchema): Validator {
    if (schema === false) return rejectAll;
    if (!isSchemaObject(schema)) return acceptAll;
    const known = this.validators.get(schema);
    if (known) return known;
    let built: Validator | undefined;
    // A schema can reach itself (through `$ref`) before it is built: refer to it through a stub.
    // Reaching it again for the same value, without going down into the value, would never end and
    // can find nothing new.
    const active = new Set<unknown>();
    this.validators.set(schema, (value, path, issues) => {
      if (active.has(value)) return;
      active.add(value);
      try {
        built!(value, path, issues);
      } finally {
        active.delete(value);
      }
    });
    built = this.build(schema);
    this.validators.set(schema, built);
    return built;
  }

  private build(s: JsonSchemaObject): Validator {
    const types = typeList(s.type);
    const nullable = s.nullable === true;
    const general: Validator[] = [];
    if (typeof s.$ref === "string") general.push(this.compile(this.document.resolve(s.$ref)));
    if (s.const !== undefined) general.push(constant(s.const));
    if (Array.isArray(s.enum)) general.push(oneOfValues(s.enum));
    for (const member of s.allOf ?? []) general.push(this.compile(member));
    if (s.anyOf) general.push(this.union(s.anyOf, false));
    if (s.oneOf) general.push(this.union(s.oneOf, true));
    if (s.not !== undefined) general.push(this.not(s.not));
    if (s.if !== undefined) general.push(this.condition(s.if, s.then, s.else));
    const strings = this.strings(s);
    const numbers = numberKeywords(s);
    const arrays = this.arrays(s);
    const objects = this.objects(s);
    if (!types && !nullable && general.length === 1 && !strings && !numbers && !arrays && !objects) {
      return general[0]!;
    }
    return (value, path, issues) => {
      if (value === null && nullable) return;
      if (types && !types.some((type) => hasType(value, type))) {
        issues.push({
          message: `Expected ${types.join(" or ")}, received ${typeOf(value)}`,
          path: [...path],
        });
        return;
      }
      for (const validate of general) validate(value, path, issues);
      const own =
        typeof value === "string"
          ? strings
          : typeof value === "number"
            ? numbers
            : Array.isArray(value)
              ? arrays
              : isPlainObject(value)
                ? objects
                : undefined;
      if (own) for (const validate of own) validate(value, path, issues);
    };
  }

  private union(options: readonly JsonSchema[], exactlyOne: boolean): Validator {
    const validators = options.map((option) => this.compile(option));
    const discriminator = findDiscriminator(this.document, options);
    const branches = new Map<unknown, number>();
    discriminator?.values.forEach((values, i) => {
      for (const value of values) branches.set(value, i);
    });
    const gates = options.map((option) => this.typesOf(option, new Set()));
    return (value, path, issues) => {
      if (discriminator && isPlainObject(value)) {
        // Options are told apart by the tag: only the one it names can match.
        const key = discriminator.key;
        if (!Object.hasOwn(value, key)) {
          issues.push({ message: "Missing required property", path: [...path, key] });
          return;
        }
        const branch = branches.get(value[key]);
        if (branch === undefined) {
          issues.push({ message: expectedValues([...branches.keys()]), path: [...path, key] });
          return;
        }
        validators[branch]!(value, path, issues);
        return;
      }
      const failures: ValidationIssue[][] = [];
      let matches = 0;
      for (const validate of validators) {
        const found: ValidationIssue[] = [];
        validate(value, path, found);
        failures.push(found);
        if (found.length === 0) {
          if (!exactlyOne) return;
          matches++;
        }
      }
      if (matches === 1) return;
      if (matches > 1) {
        issues.push({ message: `Must match exactly one option, but matches ${matches}`, path: [...path] });
        return;
      }
      // Name what is wrong inside the one option whose type fits; otherwise, what types would.
      const type = typeOf(value);
      const fitting = gates.flatMap((gate, i) => (gate === undefined || fits(value, gate) ? [i] : []));
      if (fitting.length === 1) {
        issues.push(...failures[fitting[0]!]!);
      } else if (fitting.length === 0) {
        const names = [...new Set(gates.flatMap((gate) => [...(gate ?? [])]))];
        issues.push({ message: `Expected ${names.join(" or ")}, received ${type}`, path: [...path] });
      } else {
        issues.push({ message: "Does not match any of the allowed options", path: [...path] });
      }
    };
  }

  /** The types a value must have to pass `schema`, or `undefined` when it does not say. */
  private typesOf(schema: JsonSchema, seen: Set<object>): ReadonlySet<JsonSchemaTypeName> | undefined {
    if (!isSchemaObject(schema) || seen.has(schema)) return undefined;
    seen.add(schema);
    const parts = this.document.parts(schema);
    const declared = declaredTypes(parts);
    if (declared) return new Set(parts.some((p) => p.nullable === true) ? [...declared, "null"] : declared);
    const values = allowedValues(parts);
    if (values) return new Set(values.map((value) => typeOf(value) as JsonSchemaTypeName));
    const union = parts.find((part) => part.anyOf ?? part.oneOf);
    const options = union?.anyOf ?? union?.oneOf;
    if (!options) return undefined;
    const all = new Set<JsonSchemaTypeName>();
    for (const option of options) {
      const types = this.typesOf(option, seen);
      if (!types) return undefined;
      for (const type of types) all.add(type);
    }
    return all;
  }

  private not(schema: JsonSchema): Validator {
    const validate = this.compile(schema);
    return (value, path, issues) => {
      const found: ValidationIssue[] = [];
      validate(value, path, found);
      if (found.length === 0) issues.push({ message: "Matches a schema it must not match", path: [...path] });
    };
  }

  private condition(
    test: JsonSchema,
    then: JsonSchema | undefined,
    otherwise: JsonSchema | undefined,
  ): Validator {
    const validateTest = this.compile(test);
    const validateThen = then === undefined ? acceptAll : this.compile(then);
    const validateElse = otherwise === undefined ? acceptAll : this.compile(otherwise);
    return (value, path, issues) => {
      const found: ValidationIssue[] = [];
      validateTest(value, path, found);
      (found.length === 0 ? validateThen : validateElse)(value, path, issues);
    };
  }

  private strings(s: JsonSchemaObject): Validator[] | undefined {
    const out: Validator[] = [];
    const { minLength, maxLength } = s;
    if (typeof minLength === "number") {
      const message = `Must be at least ${plural(minLength, "character")}`;
      out.push(whenNot<string>((v) => codePoints(v) >= minLength, message));
    }
    if (typeof maxLength === "number") {
      const message = `Must be at most ${plural(maxLength, "character")}`;
      out.push(whenNot<string>((v) => codePoints(v) <= maxLength, message));
    }
    const pattern = s.pattern === undefined ? undefined : compilePattern(s.pattern);
    if (pattern)
      out.push(whenNot<string>((v) => pattern.test(v), `Must match the pattern ${pattern.source}`));
    const format = typeof s.format === "string" ? FORMATS.get(s.format) : undefined;
    if (format) out.push(whenNot<string>(format.test, `Must be a valid ${format.label}`));
    return out.length > 0 ? out : undefined;
  }

  private arrays(s: JsonSchemaObject): Validator[] | undefined {
    const out: Validator[] = [];
    const { minItems, maxItems } = s;
    // `items` is the rest after `prefixItems` (2020-12), or draft-07's tuple with `additionalItems` after it.
    const prefix = s.prefixItems ?? (s.items !== undefined && isList(s.items) ? s.items : []);
    const rest = s.prefixItems
      ? s.items
      : s.items !== undefined && isList(s.items)
        ? s.additionalItems
        : s.items;
    if (prefix.length > 0 || (rest !== undefined && rest !== true && !isList(rest))) {
      const validators = prefix.map((item) => this.compile(item));
      const restValidator =
        rest === undefined || rest === false || isList(rest) ? undefined : this.compile(rest);
      // With `maxItems` as tight, a second message about the same extra items says nothing new.
      const closed = rest === false && !(typeof maxItems === "number" && maxItems <= prefix.length);
      const tooMany = `Must have at most ${plural(prefix.length, "item")}`;
      out.push((value, path, issues) => {
        const array = value as readonly unknown[];
        for (let i = 0; i < array.length; i++) {
          const validate = validators[i] ?? restValidator;
          if (!validate) {
            if (closed) issues.push({ message: tooMany, path: [...path] });
            break;
          }
          path.push(i);
          validate(array[i], path, issues);
          path.pop();
        }
      });
    }
    if (typeof minItems === "number") {
      out.push(
        whenNot<readonly unknown[]>(
          (v) => v.length >= minItems,
          `Must have at least ${plural(minItems, "item")}`,
        ),
      );
    }
    if (typeof maxItems === "number") {
      out.push(
        whenNot<readonly unknown[]>(
          (v) => v.length <= maxItems,
          `Must have at most ${plural(maxItems, "item")}`,
        ),
      );
    }
    if (s.uniqueItems === true) out.push(uniqueItems);
    if (s.contains !== undefined && !isList(s.contains)) out.push(this.contains(s));
    return out.length > 0 ? out : undefined;
  }

  private contains(s: JsonSchemaObject): Validator {
    const validate = this.compile(s.contains as JsonSchema);
    const min = typeof s.minContains === "number" ? s.minContains : 1;
    const max = typeof s.maxContains === "number" ? s.maxContains : Number.POSITIVE_INFINITY;
    return (value, path, issues) => {
      let count = 0;
      for (const item of value as readonly unknown[]) {
        const found: ValidationIssue[] = [];
        validate(item, path, found);
        if (found.length === 0) count++;
      }
      if (count < min)
        issues.push({ message: `Must contain at least ${plural(min, "matching item")}`, path: [...path] });
      if (count > max)
        issues.push({ message: `Must contain at most ${plural(max, "matching item")}`, path: [...path] });
    };
  }

  private objects(s: JsonSchemaObject): Validator[] | undefined {
    const out: Validator[] = [];
    const properties = Object.entries(s.properties ?? {}).map(
      ([key, schema]) => [key, this.compile(schema)] as const,
    );
    const named = new Set(properties.map(([key]) => key));
    const patterns: [RegExp, Validator][] = [];
    for (const [source, schema] of Object.entries(s.patternProperties ?? {})) {
      const pattern = compilePattern(source);
      if (pattern) patterns.push([pattern, this.compile(schema)]);
    }
    const additional = s.additionalProperties;
    const additionalValidator =
      additional === undefined || additional === true || additional === false || isList(additional)
        ? undefined
        : this.compile(additional);
    const required = s.required ?? [];
    if (required.length > 0) {
      out.push((value, path, issues) => {
        for (const key of required) {
          if (!Object.hasOwn(value as object, key))
            issues.push({ message: "Missing required property", path: [...path, key] });
        }
      });
    }
    if (properties.length > 0) {
      out.push((value, path, issues) => {
        const object = value as Readonly<Record<string, unknown>>;
        for (const [key, validate] of properties) {
          if (!Object.hasOwn(object, key)) continue;
          path.push(key);
          validate(object[key], path, issues);
          path.pop();
        }
      });
    }
    if (patterns.length > 0 || additional === false || additionalValidator) {
      out.push((value, path, issues) => {
        const object = value as Readonly<Record<string, unknown>>;
        for (const key of Object.keys(object)) {
          let matched = named.has(key);
          path.push(key);
          for (const [pattern, validate] of patterns) {
            if (!pattern.test(key)) continue;
            matched = true;
            validate(object[key], path, issues);
          }
          if (!matched) {
            if (additional === false) issues.push({ message: "Unknown property", path: [...path] });
            else additionalValidator?.(object[key], path, issues);
          }
          path.pop();
        }
      });
    }
    const { minProperties, maxProperties } = s;
    if (typeof minProperties === "number") {
      const message = `Must have at least ${plural(minProperties, "property", "properties")}`;
      out.push(whenNot<object>((v) => Object.keys(v).length >= minProperties, message));
    }
    if (typeof maxProperties === "number") {
      const message = `Must have at most ${plural(maxProperties, "property", "properties")}`;
      out.push(whenNot<object>((v) => Object.keys(v).length <= maxProperties, message));
    }
    if (s.propertyNames !== undefined) out.push(this.propertyNames(s.propertyNames));
    const dependentRequired: [string, readonly string[]][] = Object.entries(s.dependentRequired ?? {});
    const dependentSchemas: [string, Validator][] = Object.entries(s.dependentSchemas ?? {}).map(
      ([key, schema]) => [key, this.compile(schema)],
    );
    for (const [key, dependency] of Object.entries(s.dependencies ?? {})) {
      if (Array.isArray(dependency)) dependentRequired.push([key, dependency as readonly string[]]);
      else dependentSchemas.push([key, this.compile(dependency as JsonSchema)]);
    }
    if (dependentRequired.length > 0 || dependentSchemas.length > 0) {
      out.push((value, path, issues) => {
        const object = value as object;
        for (const [key, keys] of dependentRequired) {
          if (!Object.hasOwn(object, key)) continue;
          for (const other of keys) {
            if (!Object.hasOwn(object, other)) {
              issues.push({ message: `Required when "${key}" is present`, path: [...path, other] });
            }
          }
        }
        for (const [key, validate] of dependentSchemas)
          if (Object.hasOwn(object, key)) validate(value, path, issues);
      });
    }
    return out.length > 0 ? out : undefined;
  }

  private propertyNames(schema: JsonSchema): Validator {
    const validate = this.compile(schema);
    return (value, path, issues) => {
      for (const key of Object.keys(value as object)) {
        const found: ValidationIssue[] = [];
        validate(key, [], found);
        if (found[0])
          issues.push({ message: `Invalid property name: ${found[0].message}`, path: [...path, key] });
      }
    };
  }
}

const acceptAll: Validator = () => {};

const rejectAll: Validator = (_value, path, issues) => {
  issues.push({ message: "No value is allowed here", path: [...path] });
};

/** A validator for one value type, failing with `message` where `test` is false. */
function whenNot<T>(test: (value: T) => boolean, message: string): Validator {
  return (value, path, issues) => {
    if (!test(value as T)) issues.push({ message, path: [...path] });
  };
}

function numberKeywords(s: JsonSchemaObject): Validator[] | undefined {
  const out: Validator[] = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = s;
  // Draft-04 writes exclusive bounds as `minimum` plus `exclusiveMinimum: true`.
  if (typeof minimum === "number") {
    out.push(
      exclusiveMinimum === true
        ? whenNot<number>((v) => v > minimum, `Must be greater than ${minimum}`)
        : whenNot<number>((v) => v >= minimum, `Must be at least ${minimum}`),
    );
  }
  if (typeof maximum === "number") {
    out.push(
      exclusiveMaximum === true
        ? whenNot<number>((v) => v < maximum, `Must be less than ${maximum}`)
        : whenNot<number>((v) => v <= maximum, `Must be at most ${maximum}`),
    );
  }
  if (typeof exclusiveMinimum === "number") {
    out.push(whenNot<number>((v) => v > exclusiveMinimum, `Must be greater than ${exclusiveMinimum}`));
  }
  if (typeof exclusiveMaximum === "number") {
    out.push(whenNot<number>((v) => v < exclusiveMaximum, `Must be less than ${exclusiveMaximum}`));
  }
  if (typeof multipleOf === "number" && multipleOf > 0) {
    out.push(whenNot<number>((v) => isMultipleOf(v, multipleOf), `Must be a multiple of ${multipleOf}`));
  }
  return out.length > 0 ? out : undefined;
}

/**
 * Whether `value` is a whole number of `step`s. Decimal steps are not exact in binary (0.3 / 0.1 is
 * 2.9999999999999996), so the quotient may miss a whole number by a few units in its last place.
 */
export function isMultipleOf(value: number, step: number): boolean {
  if (Number.isInteger(step) && Number.isInteger(value)) return value % step === 0;
  const quotient = value / step;
  if (!Number.isFinite(quotient)) return false;
  return Math.abs(quotient - Math.round(quotient)) <= Math.max(1e-9, Math.abs(quotient) * 4 * Number.EPSILON);
}

function constant(expected: unknown): Validator {
  const message = `Expected ${show(expected)}`;
  return (value, path, issues) => {
    if (!jsonEqual(value, expected)) issues.push({ message, path: [...path] });
  };
}

function oneOfValues(values: readonly unknown[]): Validator {
  const message = expectedValues(values);
  const primitives = values.every((v) => typeof v !== "object" || v === null) ? new Set(values) : undefined;
  return (value, path, issues) => {
    const found = primitives ? primitives.has(value) : values.some((v) => jsonEqual(value, v));
    if (!found) issues.push({ message, path: [...path] });
  };
}

function expectedValues(values: readonly unknown[]): string {
  if (values.length === 1) return `Expected ${show(values[0])}`;
  const shown = values.slice(0, 10).map(show);
  if (values.length > 10) shown.push("...");
  return `Expected one of ${shown.join(", ")}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const uniqueItems: Validator = (value, path, issues) => {
  const seen = new Map<string, number>();
  const array = value as readonly unknown[];
  for (let i = 0; i < array.length; i++) {
    const key = canonical(array[i]);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        message: `Must not contain duplicates (items ${first} and ${i} are equal)`,
        path: [...path],
      });
      return;
    }
    seen.set(key, i);
  }
};

/** JSON text with sorted keys: equal JSON values, and only those, give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}

/** Equality of JSON values: numbers by value, objects regardless of key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: JsonSchemaTypeName): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
  }
}

function fits(value: unknown, types: ReadonlySet<JsonSchemaTypeName>): boolean {
  for (const type of types) if (hasType(value, type)) return true;
  return false;
}

/** The JSON type name of a value, for messages. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Length in code points, as JSON Schema counts it (an emoji is one character, not two). */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * A `pattern` as a regular expression: unicode-aware as JSON Schema asks, else as written for
 * JavaScript (such patterns often escape characters the unicode flag refuses), else none at all.
 */
export function compilePattern(pattern: string | RegExp): RegExp | undefined {
  if (pattern instanceof RegExp) {
    // `test` on a global or sticky expression would carry state from one value to the next.
    return pattern.global || pattern.sticky
      ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""))
      : pattern;
  }
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

// Formats are checked loosely where validators disagree, since a field rejected here would be
// reported as invalid while it is still being written.
const FORMATS: ReadonlyMap<string, { readonly label: string; readonly test: (value: string) => boolean }> =
  new Map([
    // Something, an at sign, and a domain with a dot: no whitespace, one `@`.
    ["email", { label: "email address", test: (v: string) => /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(v) }],
    // A scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`), a colon, and no whitespace.
    ["uri", { label: "URI", test: isUri }],
    ["url", { label: "URL", test: isUri }],
    // RFC 3339 date-time; `t` and a space are accepted in place of `T`, as RFC 3339 allows.
    ["date-time", { label: "date-time", test: isDateTime }],
    // RFC 3339 full-date, with the days of each month.
    ["date", { label: "date", test: isDate }],
    // HH:MM, optional seconds and fraction, optional offset: RFC 3339 wants both, others do not.
    [
      "time",
      {
        label: "time",
        test: (v: string) => isTime(/^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/i, v),
      },
    ],
    // Five groups of hex digits (8-4-4-4-12), any version.
    [
      "uuid",
      {
        label: "UUID",
        test: (v: string) => /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(v),
      },
    ],
    // Four decimal octets 0-255 without leading zeros.
    [
      "ipv4",
      {
        label: "IPv4 address",
        test: (v: string) =>
          /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(v),
      },
    ],
  ]);

function isUri(value: string): boolean {
  return /^[a-z][a-z\d+.-]*:\S*$/i.test(value);
}

function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match !== null && isDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

function isDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

function isDateTime(value: string): boolean {
  const at = value.search(/[Tt ]/);
  return at === 10 && isDate(value.slice(0, 10)) && isTime(DATE_TIME_TIME, value.slice(11));
}

const DATE_TIME_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Matches `value` with `pattern` (hours, minutes, seconds, offset groups) and checks the ranges. */
function isTime(pattern: RegExp, value: string): boolean {
  const match = pattern.exec(value);
  if (!match) return false;
  const [, hours, minutes, seconds, offset] = match;
  if (Number(hours) > 23 || Number(minutes) > 59) return false;
  // 60 is a leap second.
  if (seconds !== undefined && Number(seconds) > 60) return false;
  if (offset && offset.length === 6 && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59))
    return false;
  return true;
}
