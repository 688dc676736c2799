import { describe, expect, it } from "vitest";
import { NoObjectError } from "../errors/index.js";
import { instructionFor, MODE_STRATEGIES } from "./modes.js";

const schema = { type: "object", properties: { a: { type: "string" } } };

describe("mode strategies", () => {
  it("say where the JSON arrives and whether prose around it is skipped", () => {
    const summary = Object.values(MODE_STRATEGIES).map((m) => [m.name, m.channel, m.lenient]);
    expect(summary).toEqual([
      ["tools", "tool", false],
      ["parallel_tools", "tools", false],
      ["json_schema", "text", false],
      ["json", "text", true],
      ["md_json", "text", true],
    ]);
  });

  it("add an instruction only where the API does not carry the schema", () => {
    expect(instructionFor("tools", { jsonSchema: schema })).toBe("");
    expect(instructionFor("json_schema", { jsonSchema: schema })).toBe("");
    expect(instructionFor("json", { jsonSchema: schema, description: "A thing." })).toMatch(
      /^A thing\.\n\nAnswer with a single JSON object[\s\S]*"a"/,
    );
    expect(instructionFor("md_json", { jsonSchema: schema })).toMatch(/inside a ```json code block/);
  });

  it("phrase a re-ask for the channel the answer was expected on", () => {
    const prose = new NoObjectError("prose", "Sure, here you go");
    expect(MODE_STRATEGIES.tools.reask(prose)).toMatch(/Call the tool now/);
    expect(MODE_STRATEGIES.md_json.reask(prose)).toMatch(/JSON value only/);
  });
});
