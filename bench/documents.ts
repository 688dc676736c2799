// Deterministic stand-ins for structured LLM output, and the chunking that simulates streaming them.
// Everything is derived from a seeded PRNG so that every run and every machine measures the same text.

/** A document as the benchmark feeds it: the full text plus the chunks a model would stream. */
export interface BenchDocument {
  /** `report` is nested like a real extraction; `wide` is one flat array, to show the cost of fan-out. */
  readonly family: "report" | "wide";
  /** The nominal size the document was generated for, e.g. `100 KB`. */
  readonly label: string;
  readonly text: string;
  readonly chunks: readonly string[];
}

/** Mulberry32: tiny, fast, and good enough that the documents do not look periodic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  some<T>(items: readonly T[], min: number, max: number): T[] {
    const count = this.int(min, max);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(this.pick(items));
    return out;
  }

  /** Rounded like a model writes numbers: a few decimals, never seventeen. */
  float(min: number, max: number, decimals: number): number {
    return Number((min + this.random() * (max - min)).toFixed(decimals));
  }

  isoDate(fromYear: number, toYear: number): string {
    const y = this.int(fromYear, toYear);
    const m = this.int(1, 12);
    const d = this.int(1, 28);
    return `${y}-${pad(m)}-${pad(d)}`;
  }

  isoDateTime(): string {
    const zone = this.pick(["Z", "Z", "Z", "+02:00", "-05:00", "+09:00", "+05:30"]);
    return `${this.isoDate(2019, 2025)}T${pad(this.int(0, 23))}:${pad(this.int(0, 59))}:${pad(this.int(0, 59))}${zone}`;
  }

  sentence(): string {
    const words = this.some(WORDS, 6, 16);
    if (this.chance(0.25)) words.splice(this.int(0, words.length), 0, this.pick(FLAVOUR));
    const first = words[0]!;
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    return `${words.join(" ")}${this.pick([".", ".", ".", "!", "?"])}`;
  }

  paragraph(minSentences: number, maxSentences: number): string {
    const count = this.int(minSentences, maxSentences);
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.sentence());
    return out.join(" ");
  }

  /** Free text with the characters that make string scanning interesting: quotes, newlines, backslashes. */
  note(): string {
    const parts = [this.paragraph(1, 2)];
    if (this.chance(0.4)) parts.push(`Quote: "${this.sentence()}"`);
    if (this.chance(0.3)) parts.push(`- ${this.sentence()}\n- ${this.sentence()}`);
    if (this.chance(0.1))
      parts.push(`Source file: C:\\exports\\${this.pick(WORDS)}\\q${this.int(1, 4)}.xlsx`);
    if (this.chance(0.1)) parts.push(`Columns:\tname\tvalue`);
    return parts.join("\n");
  }

  person(): Person {
    const [first, last] = this.pick(NAMES);
    return { first, last };
  }
}

interface Person {
  readonly first: string;
  readonly last: string;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function email(p: Person, domain: string): string {
  const ascii = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[^A-Za-z]/g, "")
      .toLowerCase();
  const local = `${ascii(p.first)}.${ascii(p.last)}`;
  return `${local.length > 1 ? local : "contact"}@${domain}`;
}

const WORDS = [
  "revenue",
  "growth",
  "quarter",
  "customer",
  "retention",
  "pipeline",
  "forecast",
  "margin",
  "team",
  "launch",
  "market",
  "product",
  "pricing",
  "contract",
  "renewal",
  "risk",
  "compliance",
  "audit",
  "region",
  "supplier",
  "shipment",
  "delay",
  "incident",
  "review",
  "board",
  "meeting",
  "decision",
  "budget",
  "hiring",
  "roadmap",
  "the",
  "a",
  "of",
  "and",
  "with",
  "for",
  "after",
  "before",
  "during",
  "increased",
  "declined",
  "remained",
  "stable",
  "significant",
  "expected",
  "reported",
  "confirmed",
  "agreed",
  "postponed",
  "approved",
  "was",
  "were",
  "is",
  "will",
  "strong",
  "weak",
  "new",
  "existing",
  "enterprise",
  "partner",
  "analysis",
  "estimate",
  "memo",
  "email",
  "call",
];

/** Sprinkled into prose so that multi-byte characters and surrogate pairs show up inside strings. */
const FLAVOUR = [
  "café",
  "naïve",
  "résumé",
  "Zürich",
  "São Paulo",
  "Kraków",
  "façade",
  "東京",
  "北京市",
  "데이터",
  "🚀",
  "📈",
  "✅",
  "👍🏽",
  "€1.2M",
  "±3%",
  "—",
];

const NAMES: readonly (readonly [string, string])[] = [
  ["Alice", "Johnson"],
  ["José", "García"],
  ["Zoë", "Müller"],
  ["Łukasz", "Nowak"],
  ["Amélie", "Dubois"],
  ["Björn", "Svensson"],
  ["Priya", "Raman"],
  ["Kenji", "Sato"],
  ["芳", "王"],
  ["娜", "李"],
  ["Olúwaseun", "Adébáyọ̀"],
  ["Siobhán", "O'Brien"],
  ["Mohammed", "Al-Farsi"],
  ["Chloé", "Martin"],
  ["David", "Kim"],
  ["Fatima", "Zahra"],
  ["Ingrid", "Øvergaard"],
  ["Mateo", "Rossi"],
];

const ORGS = [
  "Acme Analytics",
  "Nordlicht GmbH",
  "Société Générale de Données",
  "Blue Harbor Logistics",
  "株式会社ミライ",
  "Pinecrest Capital",
  "Vega Robotics",
  "Þór Energy",
  "Helios Health",
  "Quantum Orchard",
];
const DOMAINS = ["example.com", "acme.io", "nordlicht.de", "mail.example.org", "corp.example.net"];
const CITIES: readonly (readonly [string, string, number, number])[] = [
  ["Zürich", "CH", 47.3769, 8.5417],
  ["São Paulo", "BR", -23.5505, -46.6333],
  ["東京", "JP", 35.6762, 139.6503],
  ["Kraków", "PL", 50.0647, 19.945],
  ["New York", "US", 40.7128, -74.006],
  ["Montréal", "CA", 45.5017, -73.5673],
  ["Reykjavík", "IS", 64.1466, -21.9426],
  ["Cape Town", "ZA", -33.9249, 18.4241],
];
const TAGS = [
  "finance",
  "q3",
  "q4",
  "legal",
  "priority",
  "follow-up",
  "emea",
  "apac",
  "customer",
  "internal",
  "risk",
  "ops",
];
const ROLES = ["CFO", "Head of Sales", "Engineer", "Account Manager", "Counsel", "Analyst", "VP Operations"];

function personItem(g: Gen): unknown {
  const p = g.person();
  const domain = g.pick(DOMAINS);
  return {
    type: "person",
    name: `${p.first} ${p.last}`,
    email: email(p, domain),
    role: g.pick(ROLES),
    organization: g.pick(ORGS),
    age: g.chance(0.7) ? g.int(23, 68) : null,
    confidence: g.float(0.5, 1, 3),
    verified: g.chance(0.6),
    firstMentioned: g.isoDateTime(),
    phones: g.chance(0.5) ? [`+${g.int(1, 49)} ${g.int(100, 999)} ${g.int(1000000, 9999999)}`] : [],
    manager: g.chance(0.3) ? `${g.person().first} ${g.person().last}` : null,
    tags: g.some(TAGS, 0, 4),
    mentions: Array.from({ length: g.int(1, 3) }, () => ({
      page: g.int(1, 240),
      offset: g.int(0, 90000),
      quote: g.sentence(),
    })),
    notes: g.note(),
  };
}

function organizationItem(g: Gen): unknown {
  const [city, country, lat, lon] = g.pick(CITIES);
  return {
    type: "organization",
    name: g.pick(ORGS),
    aliases: g.some(ORGS, 0, 2),
    founded: g.int(1890, 2022),
    employees: g.int(3, 250000),
    revenueUsd: g.chance(0.15) ? Number(`${g.float(1, 9, 2)}e21`) : g.int(1, 90000) * 10000,
    yoyChange: g.float(-0.45, 0.6, 4),
    pValue: g.chance(0.2) ? Number(`${g.float(1, 9, 2)}e-7`) : g.float(0, 0.05, 4),
    public: g.chance(0.4),
    ticker: g.chance(0.4) ? g.pick(["ACME", "NRDL", "VGAR", "HLTH"]) : null,
    headquarters: { city, country, coordinates: [lat, lon] },
    industries: g.some(["software", "logistics", "energy", "finance", "health", "retail"], 1, 3),
    contacts: Array.from({ length: g.int(0, 2) }, () => {
      const p = g.person();
      return { name: `${p.first} ${p.last}`, email: email(p, g.pick(DOMAINS)), primary: g.chance(0.5) };
    }),
    tags: g.some(TAGS, 0, 3),
    description: g.paragraph(2, 4),
  };
}

function eventItem(g: Gen): unknown {
  const [city, country] = g.pick(CITIES);
  return {
    type: "event",
    title: g.sentence(),
    date: g.isoDate(2020, 2025),
    start: g.isoDateTime(),
    durationMinutes: g.pick([15, 30, 45, 60, 90, 120]),
    online: g.chance(0.5),
    location: g.chance(0.6) ? { city, country, room: g.chance(0.5) ? `R-${g.int(100, 999)}` : null } : null,
    attendees: Array.from({ length: g.int(1, 4) }, () => {
      const p = g.person();
      return { name: `${p.first} ${p.last}`, email: email(p, g.pick(DOMAINS)), accepted: g.chance(0.8) };
    }),
    sentiment: g.float(-1, 1, 2),
    amountUsd: g.chance(0.5) ? g.float(-50000, 250000, 2) : null,
    outcomes: Array.from({ length: g.int(1, 3) }, () => g.sentence()),
    tags: g.some(TAGS, 1, 3),
    transcriptExcerpt: g.note(),
  };
}

const ITEM_KINDS = [personItem, organizationItem, eventItem];

/**
 * An analyst-style extraction: a header, then sections that each hold a handful of entities.
 * Sections grow with the square root of the size, so 1 MB is about 40 sections of about 25 items.
 */
export function reportDocument(targetChars: number, seed: number): string {
  const g = new Gen(seed);
  const scale = targetChars / 1_048_576;
  const sectionCount = Math.max(1, Math.round(40 * Math.sqrt(scale)));
  const summaryCount = Math.max(1, Math.min(6, Math.round(1 + 5 * Math.sqrt(scale))));
  const header = {
    title: `${g.pick(ORGS)}: ${g.sentence()}`,
    documentId: `doc_${Math.floor(g.random() * 0xffffffff).toString(16)}`,
    language: "en",
    generatedAt: g.isoDateTime(),
    confidence: g.float(0.6, 0.99, 2),
    summary: Array.from({ length: summaryCount }, () => g.paragraph(1, targetChars < 4096 ? 2 : 5)),
    keyFindings: Array.from({ length: Math.min(8, sectionCount) }, () => g.sentence()),
  };
  const sections = Array.from({ length: sectionCount }, (_, i) => ({
    id: `sec-${pad(i + 1)}`,
    heading: g.sentence().slice(0, -1),
    summary: g.paragraph(1, 3),
    pageRange: [i * 6 + 1, i * 6 + g.int(2, 9)],
    items: [] as unknown[],
  }));
  const metadata = {
    model: "example-model-2025-01",
    usage: { promptTokens: g.int(800, 120000), completionTokens: 0 },
    truncated: false,
    warnings: [] as string[],
    reviewer: null,
  };

  let size = JSON.stringify({ ...header, sections, metadata }).length;
  for (let i = 0; size < targetChars; i++) {
    const item = g.pick(ITEM_KINDS)(g);
    sections[i % sectionCount]!.items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  metadata.usage.completionTokens = Math.round(size / 4);
  if (g.chance(0.5)) metadata.warnings.push("Some dates were inferred from context.");
  return escapeSome(g, JSON.stringify({ ...header, sections, metadata }));
}

/** The same kind of data with no structure at all: one top-level array of rows. */
export function wideDocument(targetChars: number, seed: number): string {
  const g = new Gen(seed);
  const rows: unknown[] = [];
  let size = 2;
  for (let id = 1; size < targetChars; id++) {
    const p = g.person();
    const [city, country] = g.pick(CITIES);
    const row = {
      id,
      customerId: `cus_${Math.floor(g.random() * 0xffffffff).toString(36)}`,
      name: `${p.first} ${p.last}`,
      email: email(p, g.pick(DOMAINS)),
      city,
      country,
      signupDate: g.isoDate(2015, 2025),
      lastSeen: g.isoDateTime(),
      plan: g.pick(["free", "team", "business", "enterprise"]),
      seats: g.int(1, 500),
      mrr: g.float(0, 12000, 2),
      balance: g.float(-900, 900, 2),
      churnRisk: g.chance(0.1) ? Number(`${g.float(1, 9, 2)}e-8`) : g.float(0, 1, 3),
      active: g.chance(0.8),
      referrer: g.chance(0.3) ? g.pick(ORGS) : null,
      tags: g.some(TAGS, 0, 3),
      note: g.chance(0.5) ? g.sentence() : "",
    };
    rows.push(row);
    size += JSON.stringify(row).length + 1;
  }
  return escapeSome(g, JSON.stringify(rows));
}

/**
 * `JSON.stringify` never writes `\u` escapes for printable text, but models do; rewrite some of them
 * so parsers have to decode them. Safe on the serialised text because these characters only occur in strings.
 */
function escapeSome(g: Gen, text: string): string {
  return text.replace(/é|🚀/g, (ch) => {
    if (!g.chance(0.5)) return ch;
    return ch === "é" ? "\\u00e9" : "\\ud83d\\ude80";
  });
}

/**
 * Random chunk sizes 1..7 (mean 4, about one token's worth of characters). A chunk never ends between
 * the two halves of a surrogate pair: streamed text comes out of a UTF-8 decoder, which never cuts one.
 */
export function chunkText(text: string, seed: number): string[] {
  const g = new Gen(seed);
  const chunks: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + g.int(1, 7));
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff && end < text.length) end++;
    chunks.push(text.slice(at, end));
    at = end;
  }
  return chunks;
}

const KB = 1024;

/** The documents every parser is measured on, smallest first. */
export function benchDocuments(): BenchDocument[] {
  const specs: [BenchDocument["family"], string, number][] = [
    ["report", "1 KB", KB],
    ["report", "10 KB", 10 * KB],
    ["report", "100 KB", 100 * KB],
    ["wide", "100 KB", 100 * KB],
    ["report", "1 MB", 1024 * KB],
    ["wide", "1 MB", 1024 * KB],
  ];
  return specs.map(([family, label, size], i) => {
    const seed = 0x5eed + i;
    const text = family === "report" ? reportDocument(size, seed) : wideDocument(size, seed);
    return { family, label, text, chunks: chunkText(text, seed ^ 0xc0ffee) };
  });
}
