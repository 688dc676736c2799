// Entry point of `npm run bench`: every parser on every document, one table per document, in one process.
// Prints only; results depend on the machine, so nothing is written next to the code.

import { arch, cpus, platform } from "node:os";
import { type BenchDocument, benchDocuments } from "./documents.js";
import { type Contender, canCollect, type Measurement, measureTogether, type Plan } from "./measure.js";
import { aiSdk, fieldstream, jsonEqual, jsonriver, peers } from "./peers.js";
import { schemaOverhead } from "./schema-overhead.js";
import { sdkOverhead } from "./sdk-overhead.js";
import { transport } from "./transport.js";

const KB = 1024;
/** Above this the O(n²) parsers would take minutes per run; their trend is clear from the smaller rows. */
const QUADRATIC_LIMIT = 128 * KB;
const FLOOR = "JSON.parse (whole text)";

interface Row {
  readonly name: string;
  readonly m: Measurement;
}

interface Table {
  readonly doc: BenchDocument;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

/** More runs where a run is short, so the median is stable; fewer where a run is long. */
function planFor(doc: BenchDocument): Plan {
  const size = doc.text.length;
  if (size < 4 * KB) return { warmups: 20, runs: 101 };
  if (size < 32 * KB) return { warmups: 5, runs: 31 };
  if (size < 512 * KB) return { warmups: 2, runs: 11 };
  return { warmups: 1, runs: 5 };
}

/** A 100 KB run of a quadratic parser takes tens of seconds, next to which compiling its code is noise. */
function quadraticPlan(doc: BenchDocument, plan: Plan): Plan {
  if (doc.text.length < 4 * KB) return plan;
  return doc.text.length < 32 * KB ? { warmups: 1, runs: 5 } : { warmups: 0, runs: 1 };
}

async function benchDocument(doc: BenchDocument): Promise<Table> {
  const expected = JSON.parse(doc.text);
  const plan = planFor(doc);
  const contenders: Contender[] = [];
  const notes = [`${describePlan(plan)} unless noted`];
  const skipped: string[] = [];
  for (const peer of peers) {
    if (peer.quadratic && doc.text.length > QUADRATIC_LIMIT) {
      skipped.push(peer.name);
      continue;
    }
    const peerPlan = peer.quadratic ? quadraticPlan(doc, plan) : plan;
    if (peerPlan.runs !== plan.runs) {
      const times = doc.chunks.length.toLocaleString("en-US");
      notes.push(
        `${peer.name}: ${describePlan(peerPlan)}; one run reparses the growing buffer ${times} times`,
      );
    }
    contenders.push({ name: peer.name, run: () => peer.run(doc.chunks), plan: peerPlan });
  }
  if (skipped.length > 0)
    notes.push(`skipped, O(n²) above ${QUADRATIC_LIMIT / KB} KB: ${skipped.join(", ")}`);
  const check = (value: unknown) => jsonEqual(value, expected);
  // The floor is timed on its own: squeezed between streaming runs it pays for their garbage.
  const floor = { name: FLOOR, run: () => JSON.parse(doc.text), plan };
  const results = new Map([
    ...(await measureTogether([floor], check)),
    ...(await measureTogether(contenders, check)),
  ]);
  const rows = [...contenders, floor].map((c) => ({ name: c.name, m: results.get(c.name)! }));
  return { doc, rows, notes };
}

function describePlan(plan: Plan): string {
  const warm =
    plan.warmups === 0
      ? "no warm-up (a run takes seconds, next to which compiling is noise)"
      : `${plan.warmups} warm-up run(s)`;
  return plan.runs === 1 ? `1 timed run, ${warm}` : `median of ${plan.runs} runs after ${warm}`;
}

function title(doc: BenchDocument): string {
  const bytes = Buffer.byteLength(doc.text).toLocaleString("en-US");
  const chunks = doc.chunks.length.toLocaleString("en-US");
  const shape = doc.family === "report" ? "nested report" : "one flat array";
  return `${doc.family} ${doc.label} (${shape}): ${bytes} bytes, ${chunks} chunks`;
}

/** Three significant digits or so, with separators for the big ones. */
function num(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  if (n >= 10) return n.toFixed(1);
  if (n >= 1) return n.toFixed(2);
  return n.toFixed(3);
}

function ratio(n: number): string {
  return Number.isFinite(n) ? `${num(n)}×` : "—";
}

function msOf(table: Table, name: string): number {
  return table.rows.find((r) => r.name === name)?.m.medianMs ?? Number.NaN;
}

function render(table: Table): string {
  const floor = msOf(table, FLOOR);
  const river = msOf(table, jsonriver.name);
  const chunks = table.doc.chunks.length;
  const head = ["parser", "total ms", "µs per chunk", "× JSON.parse", "× jsonriver", "final value"];
  const body = table.rows.map(({ name, m }) => [
    name,
    num(m.medianMs),
    num((m.medianMs * 1000) / chunks),
    ratio(m.medianMs / floor),
    ratio(m.medianMs / river),
    m.ok ? "✓ = JSON.parse" : `✗ ${m.error ?? "differs from JSON.parse"}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    title(table.doc),
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    ...table.notes.map((n) => `  note: ${n}`),
  ].join("\n");
}

/**
 * A short document fed one UTF-16 code unit at a time, so every emoji arrives split in two.
 * The timed chunks never split a pair; this says which parsers would cope if a stream did.
 */
async function splitPairProbe(): Promise<string> {
  const text = JSON.stringify({ a: "x🚀y", b: ["😀", "👍🏽"], c: { "键🔑": "東京 📈" } });
  const expected = JSON.parse(text);
  const results: string[] = [];
  for (const peer of peers) {
    let ok: boolean;
    try {
      ok = jsonEqual(await peer.run(text.split("")), expected);
    } catch {
      ok = false;
    }
    results.push(`${peer.name} ${ok ? "✓" : "✗"}`);
  }
  return results.join(", ");
}

function find(tables: readonly Table[], family: string, label: string): Table | undefined {
  return tables.find((t) => t.doc.family === family && t.doc.label === label);
}

function footer(tables: readonly Table[], probe: string, seconds: number): string {
  const lines = [
    `Node ${process.version} on ${platform()}/${arch()}, ${cpus()[0]?.model ?? "unknown CPU"}; ` +
      `runs round-robin across the streaming parsers, JSON.parse timed alone; gc: ${canCollect ? "full before warm-ups, young generation between runs" : "none (run with --expose-gc)"}; whole bench ${seconds.toFixed(0)} s`,
    `chunks: random 1..7 characters (mean ${meanChunk(tables).toFixed(2)}), never splitting a surrogate pair; ` +
      tables
        .map((t) => `${t.doc.family} ${t.doc.label} ${t.doc.chunks.length.toLocaleString("en-US")}`)
        .join(", "),
    `split surrogate pairs (probe, one code unit per chunk): ${probe}`,
  ];
  const versus: string[] = [];
  const perChunk: string[] = [];
  const ai: string[] = [];
  for (const family of ["report", "wide"]) {
    for (const label of ["100 KB", "1 MB"]) {
      const t = find(tables, family, label);
      if (!t) continue;
      const fs = msOf(t, fieldstream.name);
      const river = msOf(t, jsonriver.name);
      versus.push(`${family} ${label} ${ratio(river / fs)} (${num(fs)} vs ${num(river)} ms)`);
      if (label === "100 KB") {
        perChunk.push(`${family} ${num((fs * 1000) / t.doc.chunks.length)} µs`);
        const sdk = msOf(t, aiSdk.name);
        if (Number.isFinite(sdk)) ai.push(`${family} ${ratio(sdk / fs)}`);
      }
    }
  }
  lines.push(`fieldstream speed-up over jsonriver (jsonriver ms / fieldstream ms): ${versus.join("; ")}`);
  lines.push(`fieldstream per chunk at 100 KB: ${perChunk.join("; ")}`);
  lines.push(`parsePartialJson ms / fieldstream ms at 100 KB: ${ai.join("; ") || "not run"}`);
  return lines.join("\n");
}

function meanChunk(tables: readonly Table[]): number {
  let chars = 0;
  let chunks = 0;
  for (const t of tables) {
    chars += t.doc.text.length;
    chunks += t.doc.chunks.length;
  }
  return chars / chunks;
}

async function main(): Promise<void> {
  const started = performance.now();
  const docs = benchDocuments();
  console.log("Streaming parse of generated LLM structured output, value read after every chunk.");
  console.log("What each parser's read is:");
  for (const peer of peers) console.log(`  ${peer.name}: ${peer.reads}`);
  console.log("  JSON.parse: one call on the whole text, the floor (µs per chunk is amortised)\n");
  const tables: Table[] = [];
  for (const doc of docs) {
    const table = await benchDocument(doc);
    tables.push(table);
    console.log(`${render(table)}\n`);
  }
  console.log(`${await schemaOverhead()}\n`);
  console.log(`${await sdkOverhead()}\n`);
  console.log(`${await transport()}\n`);
  const probe = await splitPairProbe();
  console.log(footer(tables, probe, (performance.now() - started) / 1000));
}

await main();
