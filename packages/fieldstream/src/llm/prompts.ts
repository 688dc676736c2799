// The words fieldstream adds to a conversation: how to answer in the text modes, and how to
// re-ask after an answer failed, with the reasons it failed.

import { NoObjectError, type ValidationIssue } from "../errors/index.js";
import { JsonStreamError } from "../json/index.js";
import { FieldValidationError, ValidationError } from "../schema/index.js";
import { formatPath } from "../util/index.js";

export type TextMode = "json" | "md_json";

/** The instruction for the text modes: the schema, and the shape the answer must take. */
export function formatInstruction(
  mode: TextMode,
  jsonSchema: Record<string, unknown>,
  description?: string,
): string {
  const purpose = description ? `${description}\n\n` : "";
  const schema = JSON.stringify(jsonSchema, null, 2);
  return mode === "json"
    ? `${purpose}Answer with a single JSON object that matches this JSON Schema, and nothing else:\n${schema}`
    : `${purpose}Answer with a single JSON value that matches this JSON Schema, inside a \`\`\`json code block:\n${schema}`;
}

function issuesOf(error: unknown): readonly ValidationIssue[] | undefined {
  if (error instanceof FieldValidationError || error instanceof ValidationError) return error.issues;
  return undefined;
}

/**
 * Why the previous answer was rejected, as the model is told, and what to do instead. `channel` is
 * where the answer was expected: the forced tool call (`tool`), the tool calls, or the text.
 */
export function reaskMessage(error: unknown, channel: "tool" | "tools" | "text" = "text"): string {
  const issues = issuesOf(error);
  if (issues) {
    const lines = issues.map((issue) => `- ${formatPath(issue.path)}: ${issue.message}`);
    return `Your previous answer did not match the schema:\n${lines.join("\n")}\nAnswer again, in full, with every error fixed.`;
  }
  if (error instanceof NoObjectError) {
    const what =
      error.reason === "prose"
        ? "was prose"
        : error.reason === "empty"
          ? "was empty"
          : "did not call the tool";
    return channel === "text"
      ? `Your previous answer ${what}, with no JSON value in it. Answer again with the JSON value only, as instructed.`
      : `Your previous answer ${what} instead of calling the tool. Call the tool now, with arguments that match its schema.`;
  }
  if (error instanceof JsonStreamError) {
    return `Your previous answer was not valid JSON (${error.message}). Answer again with valid JSON only.`;
  }
  return "Your previous answer could not be used. Answer again.";
}

/** Whether re-asking the model may fix this failure (as opposed to retrying the same request). */
export function isAnswerFailure(error: unknown): boolean {
  return (
    error instanceof FieldValidationError ||
    error instanceof ValidationError ||
    error instanceof JsonStreamError ||
    error instanceof NoObjectError
  );
}
