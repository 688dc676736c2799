// What the schema layer costs on top of the bare parser: a meeting extraction of about 100 KB, read
// after every chunk three ways (parser alone, parser with shaping and per-field checks, full stream).

import { createPartialParser } from "../packages/fieldstream/src/json/index.js";
import { describeSchema } from "../packages/fieldstream/src/schema/describe.js";
import { FieldChecker } from "../packages/fieldstream/src/schema/field-checker.js";
import { Shaper } from "../packages/fieldstream/src/schema/shape.js";
import { streamObject } from "../packages/fieldstream/src/stream/index.js";
import { chunkText } from "./documents.js";
import { type Contender, measureTogether } from "./measure.js";
import { MeetingInfo, scaledMeeting } from "./meeting-document.js";

/** The seed's meeting shape scaled up: a long list of participants and the five other fields. */
function meetingDocument(targetChars: number): string {
  return JSON.stringify(scaledMeeting(targetChars, 2), null, 2);
}

function parserAlone(chunks: readonly string[]): unknown {
  const parser = createPartialParser();
  for (const chunk of chunks) {
    parser.push(chunk);
    void parser.value;
  }
  return parser.end();
}

function withSchemaLayer(chunks: readonly string[]): unknown {
  const described = describeSchema(MeetingInfo);
  const checker = new FieldChecker(described.root, {
    invalid: (error) => {
      throw error;
    },
  });
  const parser = createPartialParser({ onComplete: (value, path) => checker.complete(value, path) });
  const shaper = new Shaper(described.root, () => parser.isComplete());
  let partial: unknown;
  for (const chunk of chunks) {
    if (parser.push(chunk)) partial = shaper.shape(parser.value);
  }
  parser.end();
  partial = shaper.shape(parser.value);
  return partial;
}

async function fullStream(chunks: readonly string[]): Promise<unknown> {
  let read: (() => void) | undefined;
  // The partial is read each time the source is asked for the next chunk, that is, after each push.
  async function* source() {
    for (const chunk of chunks) {
      yield chunk;
      read?.();
    }
  }
  const stream = streamObject({ schema: MeetingInfo, source: source() });
  read = () => void stream.partial;
  await stream.final;
  return stream.partial;
}

export async function schemaOverhead(): Promise<string> {
  const text = meetingDocument(100 * 1024);
  const chunks = chunkText(text, 0xbeef);
  const plan = { warmups: 3, runs: 11 };
  const contenders: Contender[] = [
    { name: "parser alone (push, read value)", run: () => parserAlone(chunks), plan },
    { name: "parser + schema layer (shape, check fields)", run: () => withSchemaLayer(chunks), plan },
    { name: "streamObject (async source, read partial)", run: () => fullStream(chunks), plan },
  ];
  const expected = JSON.stringify(MeetingInfo.parse(JSON.parse(text)));
  const results = await measureTogether(contenders, (value) => JSON.stringify(value) === expected);
  const base = results.get(contenders[0]!.name)!.medianMs;
  const users = (JSON.parse(text) as { users: unknown[] }).users.length;
  const lines = [
    `schema layer overhead: MeetingInfo, ${text.length.toLocaleString("en-US")} bytes (${users} users), ` +
      `${chunks.length.toLocaleString("en-US")} chunks, median of ${plan.runs} runs`,
    `${"".padEnd(46)}  total ms  µs per chunk  × parser alone  final value`,
  ];
  for (const contender of contenders) {
    const m = results.get(contender.name)!;
    lines.push(
      `${contender.name.padEnd(46)}  ${m.medianMs.toFixed(2).padStart(8)}  ${(
        (m.medianMs * 1000) /
        chunks.length
      )
        .toFixed(3)
        .padStart(
          12,
        )}  ${`${(m.medianMs / base).toFixed(2)}×`.padStart(13)}  ${m.ok ? "✓ = schema.parse" : `✗ ${m.error ?? ""}`}`,
    );
  }
  return lines.join("\n");
}
