// Loading the schema `extract` fills from the person's own module (`./schema.ts#Export`), TypeScript
// included, and turning it into the response model to send and the slot the view draws.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { outlineOf, type Slot } from "fieldstream";
import { describeError, need, UsageError } from "./errors.js";

export interface LoadedSchema {
  /** The export's name, also the tool or response-format name the model sees. */
  readonly name: string;
  /** What `response_model` is given. */
  readonly responseModel: unknown;
  readonly slot: Slot;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isStandardSchema(value: unknown): boolean {
  return isObject(value) && "~standard" in value;
}

function looksLikeJsonSchema(value: unknown): value is Record<string, unknown> {
  return (
    isObject(value) &&
    !isStandardSchema(value) &&
    ("type" in value || "properties" in value || "$schema" in value || "anyOf" in value || "oneOf" in value)
  );
}

function isResponseModel(value: unknown): value is { schema: unknown; name?: unknown } {
  return isObject(value) && "schema" in value && !isStandardSchema(value);
}

/** A provider accepts letters, digits, `_` and `-` in a tool name. */
function toolName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return cleaned === "" || cleaned === "default" ? "Response" : cleaned;
}

/** `./schema.ts#MeetingInfo` → the file and the export (the default export when none is named). */
export function parseSchemaSpec(spec: string): { file: string; exportName: string | undefined } {
  const hash = spec.lastIndexOf("#");
  if (hash <= 0) return { file: spec, exportName: undefined };
  const exportName = spec.slice(hash + 1);
  return { file: spec.slice(0, hash), exportName: exportName === "" ? undefined : exportName };
}

export async function loadSchema(spec: string, cwd: string): Promise<LoadedSchema> {
  const { file, exportName } = parseSchemaSpec(spec);
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`--schema: cannot find ${file}`);
  const { tsImport } = await need("tsx", () => import("tsx/esm/api"), "--schema");
  let loaded: Record<string, unknown>;
  try {
    loaded = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--schema: cannot load ${file}: ${describeError(error)}`);
  }
  // A CommonJS module arrives as its exports object under `default`.
  const exports =
    isObject(loaded.default) &&
    !isStandardSchema(loaded.default) &&
    exportName !== undefined &&
    !(exportName in loaded)
      ? loaded.default
      : loaded;
  const names = Object.keys(exports).filter((key) => key !== "__esModule");
  const chosen =
    exportName ?? (names.includes("default") ? "default" : names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw new UsageError(
      `--schema: ${file} exports ${names.length === 0 ? "nothing" : names.join(", ")}; name one as ${file}#Name`,
    );
  }
  if (!(chosen in exports)) {
    throw new UsageError(
      `--schema: ${file} has no export named ${chosen} (it exports ${names.join(", ") || "nothing"})`,
    );
  }
  const value = exports[chosen];
  const name = toolName(chosen);
  let responseModel: Record<string, unknown>;
  if (isResponseModel(value)) responseModel = { name, ...value };
  else if (isStandardSchema(value)) responseModel = { schema: value, name };
  else if (looksLikeJsonSchema(value)) responseModel = { schema: value, jsonSchema: value, name };
  else {
    throw new UsageError(
      `--schema: ${file}#${chosen} is not a schema (a zod schema, { schema, jsonSchema }, or a JSON Schema)`,
    );
  }
  try {
    return { name: String(responseModel.name), responseModel, slot: outlineOf(responseModel) };
  } catch (error) {
    throw new UsageError(
      `--schema: ${file}#${chosen}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
