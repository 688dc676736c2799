// What fieldstream costs on top of the SDK: a recorded OpenAI JSON-mode stream (47 KB on the wire)
// replayed by the mock server, read through the real `openai` client with and without fieldstream.

import { readFileSync } from "node:fs";
import OpenAI from "openai";
import * as z from "zod";
import { instructor } from "../packages/fieldstream/src/index.js";
import { startMockProvider } from "../packages/fieldstream/src/testing/index.js";
import { type Contender, measureTogether } from "./measure.js";

const RECORDING = new URL(
  "../packages/fieldstream/test/fixtures/streams/openai-chat/openai-python__test_non_pydantic_response_format__d61558011839.sse",
  import.meta.url,
);

const Weather = z.object({
  location: z.string(),
  weather: z.object({
    temperature: z.string(),
    condition: z.string(),
    humidity: z.string(),
    windSpeed: z.string(),
    windDirection: z.string(),
  }),
  forecast: z.array(z.object({ day: z.string(), high: z.string(), low: z.string(), condition: z.string() })),
});

export async function sdkOverhead(): Promise<string> {
  const recording = readFileSync(RECORDING, "utf8");
  const mock = await startMockProvider({ defaultScript: { replay: recording, format: "sse" } });
  try {
    const client = new OpenAI({ apiKey: "bench", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const structured = instructor(new OpenAI({ apiKey: "bench", baseURL: `${mock.url}/v1`, maxRetries: 0 }), {
      mode: "json",
    });
    const params = { model: "gpt-4o", messages: [{ role: "user" as const, content: "weather" }] };
    let deltas = 0;
    const plain = async () => {
      const stream = await client.chat.completions.create({ ...params, stream: true });
      let text = "";
      deltas = 0;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta.content;
        if (delta) {
          text += delta;
          deltas++;
        }
      }
      return JSON.parse(text) as unknown;
    };
    const withFieldstream = async () => {
      const stream = structured.chat.completions.create({ ...params, response_model: Weather, stream: true });
      for await (const _partial of stream) {
        // A UI would render each partial here.
      }
      return stream.final;
    };
    const plan = { warmups: 30, runs: 151 };
    const contenders: Contender[] = [
      { name: "openai SDK: iterate chunks, JSON.parse at the end", run: plain, plan },
      { name: "fieldstream over the same SDK: every partial, validated", run: withFieldstream, plan },
    ];
    const expected = JSON.stringify(await plain());
    const results = await measureTogether(contenders, (value) => JSON.stringify(value) === expected);
    const base = results.get(contenders[0]!.name)!.medianMs;
    const lines = [
      `SDK overhead: a recorded OpenAI JSON-mode stream, ${(recording.length / 1024).toFixed(1)} KB of SSE, ` +
        `${deltas} content deltas, replayed over loopback; median of ${plan.runs} runs`,
      `${"".padEnd(58)}  total ms  × SDK alone  final value`,
    ];
    for (const contender of contenders) {
      const m = results.get(contender.name)!;
      lines.push(
        `${contender.name.padEnd(58)}  ${m.medianMs.toFixed(2).padStart(8)}  ${`${(m.medianMs / base).toFixed(2)}×`.padStart(10)}  ${m.ok ? "✓" : `✗ ${m.error ?? ""}`}`,
      );
    }
    return lines.join("\n");
  } finally {
    await mock.close();
  }
}
