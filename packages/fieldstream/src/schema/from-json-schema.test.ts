// The JSON Schema reader: the structure it builds for each keyword, and a validator that agrees with
// zod on the JSON Schemas zod itself produces.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { checkJsonSchema, type JsonSchema, slotFromJsonSchema } from "./from-json-schema.js";
import { isMultipleOf } from "./json-schema-check.js";
import { memberSlot, type SchemaNode, type Slot } from "./node.js";

function fieldOf(slot: Slot, ...keys: (string | number)[]): Slot {
  let at = slot;
  for (const key of keys) {
    const next = memberSlot(at, key);
    if (!next) throw new Error(`no slot at ${String(key)}`);
    at = next;
  }
  return at;
}

function node<K extends SchemaNode["kind"]>(slot: Slot, kind: K): Extract<SchemaNode, { kind: K }> {
  expect(slot.node.kind).toBe(kind);
  return slot.node as Extract<SchemaNode, { kind: K }>;
}

/** Runs a slot's check, which is synchronous for JSON Schemas. */
function run(slot: Slot, value: unknown) {
  const result = slot.check!(value);
  if (result instanceof Promise) throw new Error("asynchronous check");
  return result;
}

function validate(schema: JsonSchema, value: unknown) {
  const result = checkJsonSchema(schema)(value);
  if (result instanceof Promise) throw new Error("asynchronous check");
  return result;
}

const passes = (schema: JsonSchema, value: unknown) => validate(schema, value).issues === undefined;

describe("structure", () => {
  it("reads scalar types, integer as number, and null as a nullable null", () => {
    expect(slotFromJsonSchema({ type: "string" }).node).toEqual({ kind: "string" });
    expect(slotFromJsonSchema({ type: "number" }).node).toEqual({ kind: "number" });
    expect(slotFromJsonSchema({ type: "integer" }).node).toEqual({ kind: "number" });
    expect(slotFromJsonSchema({ type: "boolean" }).node).toEqual({ kind: "boolean" });
    const nullSlot = slotFromJsonSchema({ type: "null" });
    expect(nullSlot.node).toEqual({ kind: "null" });
    expect(nullSlot.nullable).toBe(true);
  });

  it("reads an absent or unknown type, true and false as any", () => {
    for (const schema of [
      {},
      { description: "anything" },
      { type: "file" } as unknown as JsonSchema,
      true,
      false,
    ]) {
      expect(slotFromJsonSchema(schema).node).toEqual({ kind: "any" });
    }
    expect(passes(true, { a: 1 })).toBe(true);
    expect(validate(false, 1).issues).toEqual([{ message: "No value is allowed here", path: [] }]);
  });

  it("reads a type list with null as nullable, and several types as a union", () => {
    const nullable = slotFromJsonSchema({ type: ["string", "null"] });
    expect(nullable.node).toEqual({ kind: "string" });
    expect(nullable.nullable).toBe(true);
    const both = slotFromJsonSchema({ type: ["string", "integer"], minimum: 2 });
    const union = node(both, "union");
    expect(union.options.map((o) => o.node.kind)).toEqual(["string", "number"]);
    expect(run(union.options[1]!, 1).issues?.[0]?.message).toBe("Must be at least 2");
    expect(both.nullable).toBe(false);
  });

  it("reads properties, required and optional fields", () => {
    const slot = slotFromJsonSchema({
      type: "object",
      properties: { id: { type: "string" }, age: { type: "integer" } },
      required: ["id"],
    });
    const object = node(slot, "object");
    expect([...object.fields.keys()]).toEqual(["id", "age"]);
    expect(object.fields.get("id")?.optional).toBe(false);
    expect(object.fields.get("age")?.optional).toBe(true);
    expect(object.unknownKeys).toBe("strip");
    expect(slot.checkWhole).toBe(false);
    // A field's check is its own schema's, and an optional field may be absent.
    expect(run(fieldOf(slot, "age"), 1.5).issues).toEqual([
      { message: "Expected integer, received number", path: [] },
    ]);
    expect(run(fieldOf(slot, "age"), undefined).issues).toBeUndefined();
  });

  it("reads additionalProperties as what happens to unknown keys", () => {
    const base = { type: "object", properties: { a: { type: "string" } } } as const;
    expect(node(slotFromJsonSchema(base), "object").unknownKeys).toBe("strip");
    expect(node(slotFromJsonSchema({ ...base, additionalProperties: true }), "object").unknownKeys).toBe(
      "strip",
    );
    const closed = slotFromJsonSchema({ ...base, additionalProperties: false });
    expect(node(closed, "object").unknownKeys).toBe("reject");
    expect(closed.checkWhole).toBe(true);
    const loose = node(slotFromJsonSchema({ ...base, additionalProperties: {} }), "object");
    expect(loose.unknownKeys).toBe("keep");
    expect(loose.rest).toBeUndefined();
    const rest = slotFromJsonSchema({ ...base, additionalProperties: { type: "number" } });
    expect(node(rest, "object").unknownKeys).toBe("keep");
    expect(fieldOf(rest, "other").node).toEqual({ kind: "number" });
    expect(rest.checkWhole).toBe(false);
  });

  it("keeps every key of an object schema that names none", () => {
    const object = node(slotFromJsonSchema({ type: "object" }), "object");
    expect(object.fields.size).toBe(0);
    expect(object.unknownKeys).toBe("keep");
    // An explicitly empty `properties` is an object with no fields, as zod's `z.object({})` writes it.
    expect(node(slotFromJsonSchema({ type: "object", properties: {} }), "object").unknownKeys).toBe("strip");
  });

  it("reads an object with only additionalProperties as a record", () => {
    const slot = slotFromJsonSchema(z.toJSONSchema(z.record(z.string(), z.number().int())));
    const record = node(slot, "record");
    expect(record.value.node).toEqual({ kind: "number" });
    expect(fieldOf(slot, "anything").node).toEqual({ kind: "number" });
    expect(slot.checkWhole).toBe(false);
    expect(
      node(slotFromJsonSchema({ type: "object", additionalProperties: {} }), "record").value.node.kind,
    ).toBe("any");
    const named = slotFromJsonSchema({
      type: "object",
      additionalProperties: true,
      propertyNames: { pattern: "^a" },
    });
    expect(named.checkWhole).toBe(true);
  });

  it("reads items as an array and prefixItems as a tuple", () => {
    const array = slotFromJsonSchema({ type: "array", items: { type: "string" } });
    expect(node(array, "array").element.node).toEqual({ kind: "string" });
    expect(array.checkWhole).toBe(false);
    expect(node(slotFromJsonSchema({ type: "array" }), "array").element.node.kind).toBe("any");

    const closed = slotFromJsonSchema(z.toJSONSchema(z.tuple([z.string(), z.number()])));
    const tuple = node(closed, "tuple");
    expect(tuple.items.map((i) => i.node.kind)).toEqual(["string", "number"]);
    expect(tuple.rest).toBeUndefined();
    expect(closed.checkWhole).toBe(true);

    const rest = node(slotFromJsonSchema(z.toJSONSchema(z.tuple([z.string()], z.boolean()))), "tuple");
    expect(rest.rest?.node).toEqual({ kind: "boolean" });
    // Without `items`, later elements are allowed and unconstrained.
    expect(
      node(slotFromJsonSchema({ type: "array", prefixItems: [{ type: "string" }] }), "tuple").rest?.node.kind,
    ).toBe("any");
    // Draft-07 writes a tuple as a list of `items`, with `additionalItems` after it.
    const draft7 = node(
      slotFromJsonSchema({ type: "array", items: [{ type: "string" }], additionalItems: { type: "number" } }),
      "tuple",
    );
    expect(draft7.items.map((i) => i.node.kind)).toEqual(["string"]);
    expect(draft7.rest?.node.kind).toBe("number");
  });

  it("reads enum and const as an enum, with null making it nullable", () => {
    expect(slotFromJsonSchema({ type: "string", enum: ["a", "b"] }).node).toEqual({
      kind: "enum",
      values: ["a", "b"],
    });
    const literal = slotFromJsonSchema({ const: 3 });
    expect(literal.node).toEqual({ kind: "enum", values: [3] });
    expect(literal.atomic).toBe(true);
    const withNull = slotFromJsonSchema({ enum: ["a", null] });
    expect(withNull.node).toEqual({ kind: "enum", values: ["a", null] });
    expect(withNull.nullable).toBe(true);
    expect(slotFromJsonSchema({ const: null }).node).toEqual({ kind: "null" });
    const literals = slotFromJsonSchema(z.toJSONSchema(z.union([z.literal("a"), z.literal(2), z.null()])));
    expect(literals.node).toEqual({ kind: "enum", values: ["a", 2] });
    expect(literals.nullable).toBe(true);
  });

  it("reads anyOf and oneOf as a union, and a union with null as a nullable option", () => {
    const union = slotFromJsonSchema({ anyOf: [{ type: "string" }, { type: "number" }] });
    expect(node(union, "union").options.map((o) => o.node.kind)).toEqual(["string", "number"]);
    expect(union.checkWhole).toBe(true);

    const orNull = slotFromJsonSchema(z.toJSONSchema(z.object({ a: z.string() }).nullable()));
    expect(node(orNull, "object").fields.has("a")).toBe(true);
    expect(orNull.nullable).toBe(true);
    expect(run(orNull, null).issues).toBeUndefined();
    expect(run(orNull, { a: 1 }).issues).toEqual([
      { message: "Expected string, received number", path: ["a"] },
    ]);

    const oneOf = slotFromJsonSchema({
      oneOf: [{ type: "null" }, { type: "array", items: { type: "string" } }],
    });
    expect(oneOf.node.kind).toBe("array");
    expect(oneOf.nullable).toBe(true);

    const several = slotFromJsonSchema({
      anyOf: [{ type: "string" }, { type: "null" }, { type: "boolean" }],
    });
    expect(node(several, "union").options.map((o) => o.node.kind)).toEqual(["string", "boolean"]);
    expect(several.nullable).toBe(true);

    // OpenAPI 3.0's keyword.
    expect(slotFromJsonSchema({ type: "string", nullable: true }).nullable).toBe(true);
  });

  it("applies the keywords beside a union to every option", () => {
    const slot = slotFromJsonSchema({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
      oneOf: [
        { properties: { kind: { const: "a" }, a: { type: "number" } }, required: ["kind"] },
        { properties: { kind: { const: "b" }, b: { type: "boolean" } }, required: ["kind"] },
      ],
    });
    const union = node(slot, "union");
    expect(union.options.map((o) => [...node(o, "object").fields.keys()])).toEqual([
      ["id", "kind", "a"],
      ["id", "kind", "b"],
    ]);
    expect(union.discriminator?.key).toBe("kind");
    expect(run(slot, { id: "x", kind: "b", b: true }).issues).toBeUndefined();
    expect(run(slot, { kind: "b", b: true }).issues).toEqual([
      { message: "Missing required property", path: ["id"] },
    ]);
  });

  it("keeps a union of constraints beside the structure as a constraint", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { email: { type: "string" }, phone: { type: "string" } },
      anyOf: [{ required: ["email"] }, { required: ["phone"] }],
    };
    const slot = slotFromJsonSchema(schema);
    expect([...node(slot, "object").fields.keys()]).toEqual(["email", "phone"]);
    expect(slot.checkWhole).toBe(true);
    expect(passes(schema, { phone: "1" })).toBe(true);
    expect(passes(schema, {})).toBe(false);
  });

  it("detects a discriminator and the fields every option shares", () => {
    const schema = z.toJSONSchema(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("text"), id: z.string(), text: z.string() }),
        z.strictObject({ type: z.literal("image"), id: z.number(), url: z.string() }),
      ]),
    );
    const slot = slotFromJsonSchema(schema);
    const union = node(slot, "union");
    const discriminator = union.discriminator!;
    expect(discriminator.key).toBe("type");
    expect([...discriminator.branches.keys()]).toEqual(["text", "image"]);
    expect(discriminator.branches.get("text")).toBe(union.options[0]);
    expect(discriminator.branches.get("image")).toBe(union.options[1]);
    const common = node(discriminator.common, "object");
    expect([...common.fields.keys()]).toEqual(["type", "id"]);
    expect(common.fields.get("type")?.node).toEqual({ kind: "enum", values: ["text", "image"] });
    const id = common.fields.get("id")!;
    expect(node(id, "union").options.map((o) => o.node.kind)).toEqual(["string", "number"]);
    // Before the branch is known, a shared field passes what any branch allows.
    expect(run(id, 3).issues).toBeUndefined();
    expect(run(id, true).issues).toBeDefined();
    expect(fieldOf(slot, "id")).toBe(id);
  });

  it("detects a discriminator given as single-value enums behind $refs", () => {
    const slot = slotFromJsonSchema({
      $defs: {
        Cat: {
          type: "object",
          properties: { pet: { enum: ["cat"] }, lives: { type: "integer" } },
          required: ["pet"],
        },
        Dog: {
          type: "object",
          properties: { pet: { enum: ["dog"] }, good: { type: "boolean" } },
          required: ["pet"],
        },
      },
      anyOf: [{ $ref: "#/$defs/Cat" }, { $ref: "#/$defs/Dog" }],
    });
    expect(node(slot, "union").discriminator?.key).toBe("pet");
  });

  it("finds no discriminator when a tag is optional, shared or not constant", () => {
    const option = (tag: JsonSchema, required: string[]) => ({
      type: "object" as const,
      properties: { tag, value: { type: "string" as const } },
      required,
    });
    const cases: JsonSchema[] = [
      { oneOf: [option({ const: "a" }, ["tag"]), option({ const: "b" }, [])] },
      { oneOf: [option({ const: "a" }, ["tag"]), option({ const: "a" }, ["tag"])] },
      { oneOf: [option({ type: "string" }, ["tag"]), option({ const: "b" }, ["tag"])] },
      { oneOf: [option({ const: "a" }, ["tag"]), { type: "string" }] },
    ];
    for (const schema of cases)
      expect(node(slotFromJsonSchema(schema), "union").discriminator).toBeUndefined();
  });

  it("merges allOf objects into one", () => {
    const schema: JsonSchema = {
      $defs: {
        Named: { type: "object", properties: { name: { type: "string", minLength: 2 } }, required: ["name"] },
      },
      allOf: [
        { $ref: "#/$defs/Named" },
        { type: "object", properties: { name: { maxLength: 4 }, age: { type: "integer" } } },
      ],
    };
    const slot = slotFromJsonSchema(schema);
    const object = node(slot, "object");
    expect([...object.fields.keys()]).toEqual(["name", "age"]);
    expect(object.fields.get("name")?.optional).toBe(false);
    expect(object.fields.get("age")?.optional).toBe(true);
    expect(slot.checkWhole).toBe(true);
    // A field's check holds every part's version of it.
    const name = fieldOf(slot, "name");
    expect(name.node).toEqual({ kind: "string" });
    expect(run(name, "a").issues?.[0]?.message).toBe("Must be at least 2 characters");
    expect(run(name, "abcde").issues?.[0]?.message).toBe("Must be at most 4 characters");
    expect(run(name, "abc").issues).toBeUndefined();
  });

  it("follows $ref into $defs and definitions", () => {
    const slot = slotFromJsonSchema({
      type: "object",
      properties: { a: { $ref: "#/$defs/A" }, b: { $ref: "#/definitions/B" } },
      $defs: { A: { type: "string" } },
      definitions: { B: { type: "array", items: { type: "number" } } },
    });
    expect(fieldOf(slot, "a").node).toEqual({ kind: "string" });
    expect(fieldOf(slot, "b", 0).node).toEqual({ kind: "number" });
  });

  it("reads recursive schemas into cycles", () => {
    const Tree: z.ZodType = z.strictObject({ name: z.string(), children: z.array(z.lazy(() => Tree)) });
    const slot = slotFromJsonSchema(z.toJSONSchema(Tree));
    expect(fieldOf(slot, "children", 0).node).toBe(slot.node);
    expect(fieldOf(slot, "children", 0, "children", 3, "name").node).toEqual({ kind: "string" });

    // Through $defs, in draft-07 form (`allOf: [{ $ref }]`), and mutually.
    const draft7 = slotFromJsonSchema(z.toJSONSchema(Tree, { target: "draft-7" }));
    expect(fieldOf(draft7, "children", 0).node).toBe(draft7.node);
    const mutual = slotFromJsonSchema({
      $ref: "#/$defs/A",
      $defs: {
        A: { type: "object", properties: { b: { $ref: "#/$defs/B" } } },
        B: { type: "array", items: { anyOf: [{ $ref: "#/$defs/A" }, { type: "null" }] } },
      },
    });
    const element = fieldOf(mutual, "b", 0);
    expect(element.node).toBe(mutual.node);
    expect(element.nullable).toBe(true);
    const check = checkJsonSchema({ $ref: "#/$defs/A", $defs: { A: { $ref: "#/$defs/A" } } });
    expect(check).toBeTypeOf("function");
  });

  it("closes cycles through additionalProperties and through shared objects", () => {
    const rest = slotFromJsonSchema({
      type: "object",
      properties: { name: { type: "string" } },
      additionalProperties: { $ref: "#" },
    });
    expect(fieldOf(rest, "child").node).toBe(rest.node);
    // A schema built in code may hold itself without any $ref.
    const shared: { type: "object"; properties: Record<string, JsonSchema> } = {
      type: "object",
      properties: {},
    };
    shared.properties.next = shared;
    const slot = slotFromJsonSchema(shared);
    expect(fieldOf(slot, "next", "next").node).toBe(slot.node);
    expect(validate(shared, { next: { next: 1 } }).issues).toEqual([
      { message: "Expected object, received number", path: ["next", "next"] },
    ]);
  });

  it("ends on schemas that reach themselves without going into the value", () => {
    const loop: JsonSchema = { $ref: "#/$defs/A", $defs: { A: { $ref: "#/$defs/A" } } };
    expect(validate(loop, 1).issues).toBeUndefined();
    expect(slotFromJsonSchema(loop).node.kind).toBe("any");
    const selfAll: JsonSchema = {
      $ref: "#/$defs/A",
      $defs: { A: { type: "object", allOf: [{ $ref: "#/$defs/A" }] } },
    };
    expect(validate(selfAll, {}).issues).toBeUndefined();
    expect(validate(selfAll, 1).issues).toEqual([{ message: "Expected object, received number", path: [] }]);
    const selfUnion: JsonSchema = {
      $defs: { A: { anyOf: [{ $ref: "#/$defs/A" }, { type: "string" }] } },
      $ref: "#/$defs/A",
    };
    expect(validate(selfUnion, "x").issues).toBeUndefined();
    expect(node(slotFromJsonSchema(selfUnion), "union").options.map((o) => o.node.kind)).toEqual(["string"]);
  });

  it("reads a recursive union", () => {
    const schema: JsonSchema = {
      $defs: {
        Expr: {
          oneOf: [
            {
              type: "object",
              properties: { op: { const: "num" }, value: { type: "number" } },
              required: ["op", "value"],
            },
            {
              type: "object",
              properties: { op: { const: "add" }, args: { type: "array", items: { $ref: "#/$defs/Expr" } } },
              required: ["op", "args"],
            },
          ],
        },
      },
      $ref: "#/$defs/Expr",
    };
    const slot = slotFromJsonSchema(schema);
    const add = node(slot, "union").discriminator!.branches.get("add")!;
    expect(fieldOf(add, "args", 0).node).toBe(slot.node);
    expect(
      passes(schema, {
        op: "add",
        args: [
          { op: "num", value: 1 },
          { op: "add", args: [] },
        ],
      }),
    ).toBe(true);
    expect(validate(schema, { op: "add", args: [{ op: "num", value: "1" }] }).issues).toEqual([
      { message: "Expected number, received string", path: ["args", 0, "value"] },
    ]);
  });

  it("refuses references it cannot follow", () => {
    expect(() => slotFromJsonSchema({ $ref: "#/$defs/Missing" })).toThrow(
      /cannot resolve.*#\/\$defs\/Missing/,
    );
    expect(() => checkJsonSchema({ items: { $ref: "https://example.com/schema.json" } })).toThrow(TypeError);
    // Anchors and the root's own `$id` are local.
    const anchored = slotFromJsonSchema({
      $id: "https://example.com/root.json",
      type: "object",
      properties: { a: { $ref: "#word" }, b: { $ref: "https://example.com/root.json#/$defs/word" } },
      $defs: { word: { $anchor: "word", type: "string" } },
    });
    expect(fieldOf(anchored, "a").node).toEqual({ kind: "string" });
    expect(fieldOf(anchored, "b").node).toEqual({ kind: "string" });
  });

  it("reads default, the stream policy and atomic formats", () => {
    const slot = slotFromJsonSchema({
      type: "object",
      properties: {
        greeting: { type: "string", default: "hi" },
        code: { type: "string", stream: "atomic" },
        id: { type: "string", "x-stream": "required" },
        when: { type: "string", format: "date-time" },
        day: { $ref: "#/$defs/Day", default: "2024-01-01" },
        notes: { type: "string", format: "uuid", stream: { atomic: false } },
        email: { type: "string", format: "email" },
      },
      $defs: { Day: { type: "string", format: "date" } },
    });
    expect(fieldOf(slot, "greeting").default).toEqual({ value: "hi" });
    expect(fieldOf(slot, "code").atomic).toBe(true);
    expect(fieldOf(slot, "id").required).toBe(true);
    expect(fieldOf(slot, "id").atomic).toBe(false);
    expect(fieldOf(slot, "when").atomic).toBe(true);
    expect(fieldOf(slot, "day").atomic).toBe(true);
    expect(fieldOf(slot, "day").default).toEqual({ value: "2024-01-01" });
    expect(fieldOf(slot, "notes").atomic).toBe(false);
    expect(fieldOf(slot, "email").atomic).toBe(false);
    expect(slotFromJsonSchema(z.toJSONSchema(z.string().meta({ stream: "atomic" }))).atomic).toBe(true);
  });

  it("asks for the whole-value check only where members' checks fall short", () => {
    const whole = (schema: JsonSchema) => slotFromJsonSchema(schema).checkWhole;
    expect(whole({ type: "object", properties: { a: { type: "string" } }, required: ["a"] })).toBe(false);
    expect(whole({ type: "object", properties: {}, required: ["a"] })).toBe(true);
    expect(whole({ type: "object", minProperties: 1 })).toBe(true);
    expect(whole({ type: "object", patternProperties: { "^x-": {} } })).toBe(true);
    expect(whole({ type: "object", not: { required: ["a"] } })).toBe(true);
    expect(whole({ type: "array", items: { type: "string" } })).toBe(false);
    expect(whole({ type: "array", items: { type: "string" }, minItems: 1 })).toBe(true);
    expect(whole({ type: "array", uniqueItems: true })).toBe(true);
    expect(whole({ type: "array", maxItems: 3 })).toBe(true);
    expect(whole({ allOf: [{ type: "object" }, { type: "object", properties: { a: {} } }] })).toBe(true);
    expect(whole({ type: "string", minLength: 3 })).toBe(false);
  });

  it("accepts the JSON Schema types of other libraries", () => {
    // The shape of `JSONSchema7` (valibot's output type): an interface, optional keys that may be undefined.
    interface Draft7 {
      type?: "object" | "string" | ("object" | "string")[] | undefined;
      properties?: { [key: string]: Draft7 | boolean } | undefined;
      required?: string[] | undefined;
      examples?: unknown;
    }
    const draft7: Draft7 = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    expect(slotFromJsonSchema(draft7).node.kind).toBe("object");
    expect(slotFromJsonSchema(z.toJSONSchema(z.string())).node.kind).toBe("string");
    // Vendor keywords in a literal.
    expect(slotFromJsonSchema({ type: "string", "x-order": 1 }).node.kind).toBe("string");
  });
});

describe("validation messages", () => {
  it("names what is wrong, with paths relative to the value", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        id: { type: "integer" },
        name: { type: "string", minLength: 3, maxLength: 5, pattern: "^[a-z]+$" },
        tags: { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
        score: { type: "number", minimum: 0, exclusiveMaximum: 10, multipleOf: 0.5 },
        kind: { enum: ["a", "b"] },
        fixed: { const: { x: [1, 2] } },
      },
      required: ["name", "id"],
      additionalProperties: false,
    };
    expect(
      validate(schema, {
        name: "ab",
        tags: ["x", 1, "x"],
        score: 10.25,
        kind: "c",
        fixed: { x: [1] },
        extra: 1,
      }).issues,
    ).toEqual([
      { message: "Missing required property", path: ["id"] },
      { message: "Must be at least 3 characters", path: ["name"] },
      { message: "Expected string, received number", path: ["tags", 1] },
      { message: "Must not contain duplicates (items 0 and 2 are equal)", path: ["tags"] },
      { message: "Must be less than 10", path: ["score"] },
      { message: "Must be a multiple of 0.5", path: ["score"] },
      { message: 'Expected one of "a", "b"', path: ["kind"] },
      { message: 'Expected {"x":[1,2]}', path: ["fixed"] },
      { message: "Unknown property", path: ["extra"] },
    ]);
    expect(
      validate(schema, { id: 1, name: "ABCDEF", tags: [], score: -1, fixed: { x: [1, 2] } }).issues,
    ).toEqual([
      { message: "Must be at most 5 characters", path: ["name"] },
      { message: "Must match the pattern ^[a-z]+$", path: ["name"] },
      { message: "Must have at least 1 item", path: ["tags"] },
      { message: "Must be at least 0", path: ["score"] },
    ]);
    expect(validate(schema, [1]).issues).toEqual([{ message: "Expected object, received array", path: [] }]);
    expect(validate({ type: "integer" }, 1.5).issues).toEqual([
      { message: "Expected integer, received number", path: [] },
    ]);
    expect(validate({ type: ["string", "null"] }, 1).issues?.[0]?.message).toBe(
      "Expected string or null, received number",
    );
  });

  it("explains a failed union by the option that fits the value's type, or the types it allows", () => {
    const schema: JsonSchema = {
      anyOf: [
        { type: "string", minLength: 2 },
        { type: "array", items: { type: "number" } },
      ],
    };
    expect(validate(schema, "a").issues).toEqual([{ message: "Must be at least 2 characters", path: [] }]);
    expect(validate(schema, [1, "2"]).issues).toEqual([
      { message: "Expected number, received string", path: [1] },
    ]);
    expect(validate(schema, true).issues).toEqual([
      { message: "Expected string or array, received boolean", path: [] },
    ]);
    const ambiguous: JsonSchema = {
      anyOf: [
        { type: "string", minLength: 2 },
        { type: "string", pattern: "^x" },
      ],
    };
    expect(validate(ambiguous, "a").issues).toEqual([
      { message: "Does not match any of the allowed options", path: [] },
    ]);
    const oneOf: JsonSchema = { oneOf: [{ type: "number" }, { type: "integer" }] };
    expect(validate(oneOf, 1.5).issues).toBeUndefined();
    expect(validate(oneOf, 1).issues).toEqual([
      { message: "Must match exactly one option, but matches 2", path: [] },
    ]);
  });

  it("explains a failed discriminated union by its tag", () => {
    const schema = z.toJSONSchema(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("a"), x: z.string() }),
        z.strictObject({ type: z.literal("b"), y: z.number() }),
      ]),
    );
    expect(validate(schema, { type: "b", y: "1" }).issues).toEqual([
      { message: "Expected number, received string", path: ["y"] },
    ]);
    expect(validate(schema, { type: "c" }).issues).toEqual([
      { message: 'Expected one of "a", "b"', path: ["type"] },
    ]);
    expect(validate(schema, { x: "1" }).issues).toEqual([
      { message: "Missing required property", path: ["type"] },
    ]);
    expect(validate(schema, "a").issues).toEqual([{ message: "Expected object, received string", path: [] }]);
  });

  it("counts string length in code points", () => {
    expect(passes({ type: "string", maxLength: 2 }, "😀😀")).toBe(true);
    expect(passes({ type: "string", minLength: 3 }, "😀😀")).toBe(false);
    expect(passes({ type: "string", minLength: 2 }, "\ud83d")).toBe(false);
  });

  it("reads draft-04 boolean bounds and numeric ones", () => {
    expect(passes({ type: "number", minimum: 3, exclusiveMinimum: true }, 3)).toBe(false);
    expect(passes({ type: "number", minimum: 3, exclusiveMinimum: false }, 3)).toBe(true);
    expect(passes({ type: "number", maximum: 3, exclusiveMaximum: true }, 2.99)).toBe(true);
    expect(passes({ type: "number", maximum: 3, exclusiveMaximum: true }, 3)).toBe(false);
    expect(passes({ type: "number", exclusiveMinimum: 3 }, 3)).toBe(false);
    expect(passes({ type: "number", exclusiveMaximum: 3 }, 3)).toBe(false);
    expect(passes({ type: "number", maximum: 3 }, 3)).toBe(true);
  });

  it("tolerates binary rounding in multipleOf", () => {
    expect(isMultipleOf(0.3, 0.1)).toBe(true);
    expect(isMultipleOf(1.1, 0.1)).toBe(true);
    expect(isMultipleOf(19.99, 0.01)).toBe(true);
    expect(isMultipleOf(0.35, 0.1)).toBe(false);
    expect(isMultipleOf(7, 2)).toBe(false);
    expect(isMultipleOf(-6, 3)).toBe(true);
    expect(isMultipleOf(1e10 + 0.05, 0.1)).toBe(false);
  });

  it("checks formats", () => {
    const table: [string, string[], string[]][] = [
      [
        "email",
        ["a@b.co", "first.last+tag@sub.example.org"],
        ["a@b", "a b@c.d", "@b.co", "a@@b.co", "a@b..co"],
      ],
      [
        "uri",
        ["https://example.com/x?y#z", "mailto:a@b.c", "urn:isbn:123"],
        ["example.com", "http://a b", "1http://x"],
      ],
      ["url", ["http://localhost:3000"], ["/relative/path"]],
      [
        "date-time",
        ["2024-02-29T12:30:00Z", "2024-01-01t00:00:00.123+05:30", "2024-01-01 23:59:60-01:00"],
        [
          "2023-02-29T12:30:00Z",
          "2024-01-01T24:00:00Z",
          "2024-01-01T12:00:00",
          "2024-01-01",
          "2024-13-01T00:00:00Z",
        ],
      ],
      [
        "date",
        ["2024-02-29", "1999-12-31"],
        ["2023-02-29", "2024-04-31", "2024-1-01", "2024-01-01T00:00:00Z"],
      ],
      [
        "time",
        ["12:30", "12:30:15", "12:30:15.5Z", "23:59:59+02:00"],
        ["24:00", "12:60", "1230", "12:30:15 "],
      ],
      [
        "uuid",
        ["123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000"],
        ["123e4567e89b12d3a456426614174000", "g23e4567-e89b-12d3-a456-426614174000"],
      ],
      [
        "ipv4",
        ["192.168.0.1", "0.0.0.0", "255.255.255.255"],
        ["256.0.0.1", "01.2.3.4", "1.2.3", "1.2.3.4.5"],
      ],
      // Formats this validator does not know are annotations.
      ["hostname", ["not a hostname!"], []],
    ];
    for (const [format, valid, invalid] of table) {
      for (const value of valid)
        expect(passes({ type: "string", format }, value), `${format}: ${value}`).toBe(true);
      for (const value of invalid)
        expect(passes({ type: "string", format }, value), `${format}: ${value}`).toBe(false);
    }
    expect(validate({ format: "email" }, "x").issues).toEqual([
      { message: "Must be a valid email address", path: [] },
    ]);
    // Formats apply to strings only.
    expect(passes({ format: "email" }, 5)).toBe(true);
  });

  it("compiles patterns as unicode, as plain JavaScript, or not at all", () => {
    expect(passes({ type: "string", pattern: "^\\p{Lu}" }, "Émile")).toBe(true);
    expect(passes({ type: "string", pattern: "^.$" }, "😀")).toBe(true);
    // `\_` is refused by the unicode flag but means `_` to JavaScript.
    expect(passes({ type: "string", pattern: "^a\\_b$" }, "a_b")).toBe(true);
    expect(passes({ type: "string", pattern: "([" }, "anything")).toBe(true);
    // Patterns are searched for, not anchored.
    expect(passes({ type: "string", pattern: "b" }, "abc")).toBe(true);
  });

  it("checks the remaining object and array keywords", () => {
    const object: JsonSchema = {
      type: "object",
      minProperties: 1,
      maxProperties: 2,
      patternProperties: { "^n_": { type: "number" } },
      propertyNames: { maxLength: 3 },
      dependentRequired: { a: ["b"] },
      dependencies: { c: { required: ["n_1"] } },
    };
    expect(validate(object, {}).issues).toEqual([{ message: "Must have at least 1 property", path: [] }]);
    expect(validate(object, { n_1: "x", long: 1, a: 1 }).issues).toEqual([
      { message: "Expected number, received string", path: ["n_1"] },
      { message: "Must have at most 2 properties", path: [] },
      { message: "Invalid property name: Must be at most 3 characters", path: ["long"] },
      { message: 'Required when "a" is present', path: ["b"] },
    ]);
    expect(validate(object, { c: 1 }).issues).toEqual([
      { message: "Missing required property", path: ["n_1"] },
    ]);

    const array: JsonSchema = { type: "array", contains: { type: "string" }, maxContains: 1, maxItems: 3 };
    expect(validate(array, [1, 2]).issues).toEqual([
      { message: "Must contain at least 1 matching item", path: [] },
    ]);
    expect(validate(array, ["a", "b"]).issues).toEqual([
      { message: "Must contain at most 1 matching item", path: [] },
    ]);
    expect(validate(array, ["a", 1, 2, 3]).issues).toEqual([
      { message: "Must have at most 3 items", path: [] },
    ]);
    expect(
      validate({ type: "array", prefixItems: [{ type: "string" }], items: false }, ["a", 1]).issues,
    ).toEqual([{ message: "Must have at most 1 item", path: [] }]);

    const conditional: JsonSchema = {
      if: { properties: { kind: { const: "n" } } },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { properties: { value: { type: "number" } } },
      else: { properties: { value: { type: "string" } } },
      not: { required: ["forbidden"] },
      allOf: [{ required: ["kind"] }],
    };
    expect(passes(conditional, { kind: "n", value: 1 })).toBe(true);
    expect(passes(conditional, { kind: "s", value: 1 })).toBe(false);
    expect(validate(conditional, { kind: "s", forbidden: 1 }).issues).toEqual([
      { message: "Matches a schema it must not match", path: [] },
    ]);
    expect(validate(conditional, {}).issues).toEqual([
      { message: "Missing required property", path: ["kind"] },
    ]);
    expect(
      passes({ uniqueItems: true }, [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toBe(false);
    expect(passes({ uniqueItems: true }, [1, "1", [1], { a: 1 }])).toBe(true);
    expect(passes({ enum: [{ a: [1] }] }, { a: [1] })).toBe(true);
  });

  it("returns the value unchanged", () => {
    const value = { a: [1, 2] };
    expect(validate({ type: "object" }, value)).toEqual({ value });
    expect((validate({ type: "object" }, value) as { value: unknown }).value).toBe(value);
  });
});

describe("agreement with zod", () => {
  const ok = (schema: z.ZodType, value: unknown) => passes(z.toJSONSchema(schema), value);
  const Tree: z.ZodType = z.strictObject({ name: z.string(), children: z.array(z.lazy(() => Tree)) });

  const table: [string, z.ZodType, unknown[]][] = [
    ["string", z.string(), ["", "a", 1, null, [], {}]],
    ["string length", z.string().min(2).max(4), ["a", "ab", "abcd", "abcde", 12]],
    ["regex", z.string().regex(/^[a-z]+\d?$/), ["abc", "abc1", "abc12", "ABC", ""]],
    ["starts and ends", z.string().startsWith("ab").endsWith("yz"), ["abyz", "ab-yz", "aby", "xabyz"]],
    ["email", z.email(), ["a@example.com", "first.last@sub.example.org", "a@b", "not an email", "a@b.c"]],
    ["uuid", z.uuid(), ["123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400", "x"]],
    ["url", z.url(), ["https://example.com", "http://localhost:3000/x", "example", "/relative"]],
    [
      "datetime",
      z.iso.datetime(),
      ["2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z", "2024-01-01", "2024-02-30T00:00:00Z"],
    ],
    ["date", z.iso.date(), ["2024-02-29", "2023-02-29", "2024-00-10", "20240101"]],
    ["time", z.iso.time(), ["12:30", "12:30:15", "25:00", "12:3"]],
    ["ipv4", z.ipv4(), ["10.0.0.1", "256.1.1.1", "1.2.3", "a.b.c.d"]],
    ["number", z.number(), [0, -1.5, 1e300, "1", null]],
    ["int", z.int(), [1, -3, 1.5, 2 ** 53, "1"]],
    ["bounds", z.number().gt(0).lte(10), [0, 0.001, 10, 10.5, -1]],
    ["multiple", z.number().multipleOf(0.1), [0.3, 1.1, 2, 0.35, 0.05]],
    ["int multiple", z.int().multipleOf(3).positive(), [3, 9, 4, 0, -3]],
    ["boolean", z.boolean(), [true, false, 0, "true"]],
    ["null", z.null(), [null, 0, "null"]],
    ["literal", z.literal("on"), ["on", "off", true]],
    ["enum", z.enum(["red", "green"]), ["red", "green", "blue", 0]],
    ["nullable", z.string().nullable(), ["x", null, 1]],
    [
      "nullable object",
      z.strictObject({ a: z.number() }).nullable(),
      [null, { a: 1 }, { a: "1" }, { a: 1, b: 2 }, 5],
    ],
    [
      "strict object",
      z.strictObject({ a: z.string(), b: z.number().optional() }),
      [{ a: "x" }, { a: "x", b: 1 }, { b: 1 }, { a: "x", c: 1 }, { a: "x", b: "1" }, []],
    ],
    ["loose object", z.looseObject({ a: z.string() }), [{ a: "x", extra: [1] }, { extra: 1 }, null]],
    [
      "catchall",
      z.object({ a: z.string() }).catchall(z.number()),
      [{ a: "x", n: 1 }, { a: "x", n: "1" }, { a: 1 }],
    ],
    ["array", z.array(z.number()).min(1).max(3), [[1], [1, 2, 3], [], [1, 2, 3, 4], [1, "2"], "1"]],
    ["tuple", z.tuple([z.string(), z.number()]), [["a", 1], ["a"], ["a", 1, 2], [1, "a"], { 0: "a", 1: 1 }]],
    ["tuple rest", z.tuple([z.string()], z.boolean()), [["a"], ["a", true, false], ["a", 1], []]],
    ["record", z.record(z.string(), z.int()), [{}, { a: 1, b: 2 }, { a: 1.5 }, [], null]],
    ["union", z.union([z.string(), z.number(), z.array(z.boolean())]), ["a", 1, [true], [1], null, {}]],
    [
      "discriminated",
      z.discriminatedUnion("kind", [
        z.strictObject({ kind: z.literal("circle"), r: z.number().positive() }),
        z.strictObject({ kind: z.literal("square"), side: z.number() }),
      ]),
      [
        { kind: "circle", r: 1 },
        { kind: "circle", r: -1 },
        { kind: "square", side: 2 },
        { kind: "square", r: 1 },
        { kind: "oval" },
        { r: 1 },
      ],
    ],
    [
      "intersection",
      z.intersection(z.strictObject({ a: z.string() }).partial(), z.looseObject({ b: z.number() })),
      [{ b: 1 }, { a: "x", b: 1 }, { a: 1, b: 1 }, { a: "x" }],
    ],
    [
      "recursive",
      Tree,
      [
        { name: "a", children: [] },
        { name: "a", children: [{ name: "b", children: [] }] },
        { name: "a", children: [{ name: 1, children: [] }] },
        { name: "a" },
      ],
    ],
    ["any", z.any(), [null, 1, "x", [{}]]],
  ];

  it.each(table)("%s", (_name, schema, values) => {
    const results = values.map((value) => ok(schema, value));
    expect(results).toEqual(values.map((value) => schema.safeParse(value).success));
    // Each row tries both outcomes (`any` aside).
    if (_name !== "any") expect(new Set(results).size).toBe(2);
  });

  const json = fc.jsonValue({ maxDepth: 3 });
  const either = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, json);
  const properties: [string, z.ZodType, fc.Arbitrary<unknown>][] = [
    ["scalars", z.union([z.string().max(3), z.int().gte(-5).lt(5), z.boolean(), z.null()]), json],
    [
      "object",
      z.strictObject({
        name: z.string().min(1),
        age: z.int().nonnegative().optional(),
        tags: z.array(z.enum(["a", "b"])).max(2),
        ratio: z.number().multipleOf(0.25).nullable(),
      }),
      fc.record(
        {
          name: either(fc.string()),
          age: either(fc.integer({ min: -2, max: 2 })),
          tags: either(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 3 })),
          ratio: either(fc.constantFrom(0, 0.25, 0.3, null, 1.75)),
          extra: json,
        },
        { requiredKeys: [] },
      ),
    ],
    [
      "tagged",
      z.discriminatedUnion("t", [
        z.strictObject({ t: z.literal(1), v: z.string() }),
        z.strictObject({ t: z.literal(2) }),
      ]),
      fc.record({ t: either(fc.constantFrom(1, 2, 3)), v: either(fc.string()) }, { requiredKeys: [] }),
    ],
    ["nested", z.record(z.string(), z.tuple([z.number(), z.array(z.boolean()).optional()])), json],
  ];

  it.each(properties)("agrees on random values: %s", (_name, schema, arbitrary) => {
    const check = checkJsonSchema(z.toJSONSchema(schema));
    fc.assert(
      fc.property(arbitrary, (value) => {
        const ours = (check(value) as { issues?: unknown }).issues === undefined;
        expect(ours).toBe(schema.safeParse(value).success);
      }),
      { numRuns: 300 },
    );
  });
});

describe("checks that agree with their slots", () => {
  it("gives the root slot the same check as checkJsonSchema", () => {
    const schema = z.toJSONSchema(z.strictObject({ a: z.array(z.string().min(2)) }));
    const slot = slotFromJsonSchema(schema);
    const value = { a: ["ok", "x"] };
    expect(run(slot, value)).toEqual(validate(schema, value));
    expect(run(fieldOf(slot, "a", 1), "x").issues).toEqual([
      { message: "Must be at least 2 characters", path: [] },
    ]);
  });
});
