// The web demo in real headless Chromium: the card fills in as the model writes with a bar that never
// goes back, survives a cut, keeps memoised cards quiet, stops, says its errors and fits a phone screen.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startMockProvider } from "fieldstream/testing";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWebDemo, type WebDemo } from "../../examples/web/server.js";
import { meetingNote } from "../../examples/web/src/meeting.js";
import { meetingAnswer } from "../../packages/fieldstream-cli/src/meeting.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const pageDir = join(root, "examples/web/dist/test-page");
const artifacts = join(root, "test-artifacts/browser");
const CHROMIUM = "/usr/bin/chromium";

let demo: WebDemo;
let context: BrowserContext;
let profile: string;
let page: Page;

/** What the page looked like at one moment, as the probe below records it. */
interface Frame {
  status: string;
  participants: number;
  complete: number;
  /** Null while the page shows no total (the participants are still coming in). */
  total: number | null;
  /** The progress bar's value / max, or -1 while it is indeterminate. */
  position: number;
  /** Whether the end-of-run summary was on the page. */
  summary: boolean;
  cards: { renders: number; complete: boolean }[];
}

/**
 * Records every visible state of the meeting card as it changes (a MutationObserver, so no state is
 * missed between two polls), into `window.__frames`.
 */
function probe() {
  const frames: unknown[] = [];
  (window as unknown as { __frames: unknown[] }).__frames = frames;
  // Asks each participant card to log what every one of its commits showed.
  (window as unknown as { __userCardCommits: string[][] }).__userCardCommits = [];
  const record = () => {
    const meeting = document.querySelector<HTMLElement>('[data-testid="meeting"]');
    if (meeting === null) return;
    const cards = [...document.querySelectorAll<HTMLElement>('[data-testid="user"]')].map((card) => ({
      renders: Number(card.dataset.renders ?? 0),
      complete: card.dataset.complete === "true",
    }));
    const bar = document.querySelector<HTMLProgressElement>('[data-testid="progress"]');
    const frame = {
      status: meeting.dataset.status ?? "",
      participants: Number(meeting.dataset.participants),
      complete: Number(meeting.dataset.completeFields),
      total: meeting.dataset.totalFields === undefined ? null : Number(meeting.dataset.totalFields),
      position: bar?.position ?? -2,
      summary: document.querySelector('[data-testid="summary"]') !== null,
      cards,
    };
    const last = frames.at(-1);
    if (JSON.stringify(last) !== JSON.stringify(frame)) frames.push(frame);
  };
  new MutationObserver(record).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
  });
}

async function frames(): Promise<Frame[]> {
  return page.evaluate(() => (window as unknown as { __frames: Frame[] }).__frames);
}

/** The meeting as the page shows it, read back from the DOM. */
async function shown() {
  return page.evaluate(() => {
    const value = (scope: Element, field: string) =>
      scope.querySelector(`[data-field="${field}"] dd`)?.textContent?.replace(/ ✓$/, "") ?? null;
    const meeting = document.querySelector('[data-testid="meeting"]')!;
    return {
      users: [...document.querySelectorAll('[data-testid="user"]')].map((card) => ({
        name: value(card, "name"),
        email: value(card, "email"),
        twitter: value(card, "twitter"),
      })),
      date: value(meeting, "date"),
      location: value(meeting, "location"),
      budget: Number(value(meeting, "budget")),
      deadline: value(meeting, "deadline"),
    };
  });
}

async function status(): Promise<string> {
  return (await page.getAttribute('[data-testid="meeting"]', "data-status")) ?? "";
}

async function open(query = ""): Promise<void> {
  if (setUpFailure) throw setUpFailure.error;
  page = await context.newPage();
  await page.addInitScript(probe);
  await page.goto(`${demo.url}/${query}`);
  await page.waitForSelector('[data-testid="meeting"]');
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/**
 * The bar only ever moved forwards over `seen` (one run): complete fields never went down, a total,
 * once shown, never changed, and the bar's fill never shrank nor went back to indeterminate.
 */
function expectForwardOnly(seen: Frame[]): void {
  let complete = 0;
  let total: number | null = null;
  let position = 0;
  for (const [index, frame] of seen.entries()) {
    const where = `frame ${index} of ${seen.length}: ${JSON.stringify({ ...frame, cards: undefined })}`;
    expect(frame.complete, where).toBeGreaterThanOrEqual(complete);
    if (total !== null) expect(frame.total, where).toBe(total);
    if (frame.position >= 0) expect(frame.position, where).toBeGreaterThanOrEqual(position);
    else expect(position, `${where}: indeterminate after it had a value`).toBe(0);
    complete = frame.complete;
    total = frame.total;
    position = Math.max(position, frame.position);
  }
}

/**
 * Nothing is wider than the viewport: the page does not scroll sideways and no element with a box
 * sticks out past either edge (what would scroll, such as long JSON lines, must scroll inside its box).
 */
async function expectFits(when: string): Promise<void> {
  const layout = await page.evaluate(() => {
    const width = window.innerWidth;
    const outside = [...document.querySelectorAll("body *")].flatMap((element) => {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) return [];
      if (box.left >= -0.5 && box.right <= width + 0.5) return [];
      const name = `${element.tagName.toLowerCase()}.${String(element.className).replace(/ /g, ".")}`;
      return [`${name} from ${Math.round(box.left)} to ${Math.round(box.right)}`];
    });
    return { width, scrollWidth: document.documentElement.scrollWidth, outside };
  });
  expect(layout.scrollWidth, `${when}: the page's width`).toBeLessThanOrEqual(layout.width);
  expect(layout.outside, `${when}: elements past an edge`).toEqual([]);
}

/** The element is visible, a real size, and inside the viewport's width. */
async function expectShown(testId: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const element = page.getByTestId(testId);
  expect(await element.isVisible(), `${testId} visible`).toBe(true);
  const box = (await element.boundingBox())!;
  const width = await page.evaluate(() => window.innerWidth);
  expect(box.x, `${testId} left edge`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${testId} right edge`).toBeLessThanOrEqual(width);
  expect(box.width, `${testId} width`).toBeGreaterThan(Math.min(width, 860) * 0.5);
  expect(box.height, `${testId} height`).toBeGreaterThan(10);
  return box;
}

/**
 * Builds the page, starts the demo server and the browser. Its failure is thrown by every test (not
 * by the hook), so that a missing browser shows as failed tests, never as skipped ones.
 */
async function setUp(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's chromium at ${CHROMIUM}, and it is not there. ` +
        "Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this).",
    );
  }
  await mkdir(artifacts, { recursive: true });
  await run(
    process.execPath,
    [
      join(root, "node_modules/vite/bin/vite.js"),
      "build",
      "--config",
      join(root, "examples/web/vite.config.ts"),
      "--outDir",
      pageDir,
      "--emptyOutDir",
    ],
    // Vitest sets NODE_ENV=test, which would give a development build of React (with StrictMode's
    // doubled renders); the page is tested as it ships.
    { cwd: root, timeout: 60_000, env: { ...process.env, NODE_ENV: "production" } },
  );
  demo = await startWebDemo({ pageDir, offline: { delayMs: 15, chunks: 4 }, allowFaults: true });
  profile = await mkdtemp(join(tmpdir(), "fieldstream-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

let setUpFailure: { error: unknown } | undefined;
beforeAll(async () => {
  await setUp().catch((error: unknown) => {
    setUpFailure = { error };
  });
});

afterEach(async () => {
  await page?.close();
});

afterAll(async () => {
  await context?.close();
  await demo?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe("the web demo in Chromium", () => {
  it("fills the meeting card in progressively, then shows it complete", async () => {
    await open();
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-participants="2"]');
    await screenshot("streaming");
    await page.waitForSelector('[data-status="done"]', { timeout: 15_000 });
    await screenshot("done");

    const seen = await frames();
    const streaming = seen.filter((frame) => frame.status === "streaming");
    // Participants appear one by one, before the end.
    const counts = [...new Set(streaming.map((frame) => frame.participants))];
    expect(counts).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(counts.indexOf(1)).toBeLessThan(counts.indexOf(2));
    expect(counts.indexOf(2)).toBeLessThan(counts.indexOf(3));
    // The number of complete fields only goes up, through many intermediate values.
    const complete = streaming.map((frame) => frame.complete);
    for (let i = 1; i < complete.length; i++) expect(complete[i]).toBeGreaterThanOrEqual(complete[i - 1]!);
    expect(new Set(complete).size).toBeGreaterThanOrEqual(5);

    const last = seen.at(-1)!;
    expect(last).toMatchObject({ status: "done", participants: 3, complete: 13, total: 13, position: 1 });
    expect(await shown()).toEqual(meetingAnswer);
    expect(await page.locator(".check").count()).toBe(4 + 3 * 3 + 3);

    // The bar never went back, on any frame: no total while participants arrive (it would have grown
    // with each one), then 13 fields, which it fills up to the end.
    expectForwardOnly(seen);
    expect(streaming.some((frame) => frame.position === -1 && frame.participants === 2)).toBe(true);
    expect(streaming.filter((frame) => frame.total !== null).every((frame) => frame.total === 13)).toBe(true);
    expect(streaming.some((frame) => frame.position > 0 && frame.position < 1)).toBe(true);
    expect(await page.textContent('[data-testid="count"]')).toBe("13 of 13 fields complete");

    // Then what the run took and gave, only once it is over.
    expect(seen.filter((frame) => frame.summary).every((frame) => frame.status === "done")).toBe(true);
    await page.waitForSelector('[data-testid="summary"]');
    expect(await page.textContent('[data-testid="elapsed"]')).toMatch(/^(\d+ ms|\d+\.\d s)$/);
    const tokens = (await page.textContent('[data-testid="tokens"]')) ?? "";
    const [, total, input, output] = /^([\d,]+) \(([\d,]+) in, ([\d,]+) out\)$/.exec(tokens) ?? [];
    const count = (text: string | undefined) => Number(text?.replace(/,/g, ""));
    expect(count(input)).toBeGreaterThan(0);
    expect(count(output)).toBeGreaterThan(0);
    expect(count(total)).toBe(count(input) + count(output));
    expect(JSON.parse((await page.textContent('[data-testid="final-json"]')) ?? "")).toEqual(meetingAnswer);
  });

  it("survives the server cutting the connection mid-stream, without repeating any text", async () => {
    await open("?cutAfterBytes=900");
    const extractRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/extract"))
        extractRequests.push(`${request.method()} ${request.url()}`);
    });
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="done"]', { timeout: 15_000 });
    await screenshot("resumed");

    // The first response was cut, and the page came back for the rest.
    expect(extractRequests.length).toBeGreaterThanOrEqual(2);
    expect(extractRequests[0]).toMatch(/^POST /);
    const seen = await frames();
    const beforeEnd = seen.filter((frame) => frame.status === "streaming");
    expect(beforeEnd.some((frame) => frame.participants === 1)).toBe(true);
    expect(seen.every((frame) => frame.status !== "error")).toBe(true);
    expect(await shown()).toEqual(meetingAnswer);
    expect(seen.at(-1)).toMatchObject({ status: "done", complete: 13, total: 13 });
    expect(await page.locator(".attempt").count()).toBe(0);
    // Resuming picks up where the page was: the bar does not move back either.
    expectForwardOnly(seen);
  });

  it("re-renders a memoised participant card only while its own data changes", async () => {
    await open();
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="done"]', { timeout: 15_000 });

    const seen = await frames();
    const final = seen.at(-1)!.cards;
    expect(final).toHaveLength(3);
    for (const [index, card] of final.entries()) {
      const completedAt = seen.find((frame) => frame.cards[index]?.complete)!;
      const rendersWhenComplete = completedAt.cards[index]!.renders;
      // It rendered as its own fields grew...
      expect(rendersWhenComplete, `card ${index}`).toBeGreaterThan(5);
      // ...and never again once complete, though the page went on re-rendering for the next cards.
      expect(card.renders, `card ${index}`).toBe(rendersWhenComplete);
    }
    // Never without a reason: each commit of a card showed something the one before it did not.
    const commits = await page.evaluate(
      () => (window as unknown as { __userCardCommits: string[][] }).__userCardCommits,
    );
    expect(commits.map((list) => list.length)).toEqual(final.map((card) => card.renders));
    for (const list of commits) {
      for (let i = 1; i < list.length; i++) expect(list[i]).not.toBe(list[i - 1]);
    }
    const firstDone = seen.findIndex((frame) => frame.cards[0]?.complete);
    const updatesAfter = seen.slice(firstDone).filter((frame) => frame.status === "streaming").length;
    expect(updatesAfter).toBeGreaterThan(10);
  });

  it("stops on Stop and keeps what it had", async () => {
    await open();
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-testid="user"]');
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await page.waitForSelector('[data-status="stopped"]');
    const atStop = await shown();
    expect(atStop.users.length).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(600);
    expect(await shown()).toEqual(atStop);
    expect(await status()).toBe("stopped");
    expect(await page.getByRole("button", { name: "Extract", exact: true }).isEnabled()).toBe(true);
    expect(await page.getByTestId("summary").count()).toBe(0);
    await screenshot("stopped");

    // It can start again afterwards, and run to the end.
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="done"]', { timeout: 15_000 });
    expect(await shown()).toEqual(meetingAnswer);
  });

  it("shows the error the server's stream ends with, and the partial it reached", async () => {
    await open();
    await page.getByLabel("Simulate error").check();
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="error"]', { timeout: 15_000 });
    await screenshot("error");
    expect(await page.textContent('[data-testid="error"]')).toContain("Simulated failure");
    const partial = await shown();
    expect(partial.users.length).toBeGreaterThanOrEqual(1);
    expect(partial.users[0]).toEqual(meetingAnswer.users[0]);
    expect(await page.getByTestId("summary").count()).toBe(0);
  });

  it("shows a request the server refuses as an error, with the server's reason", async () => {
    await open();
    await page.fill("#note", "");
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="error"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="error"]')).toBe(
      "TransportError: The server answered 400: The meeting note is empty: paste or type a note to extract from",
    );
  });

  it("says offline that the answer is a scripted replay of the sample note, and shows that note", async () => {
    await open();
    await page.waitForSelector('[data-testid="offline-notice"]');
    expect(await page.textContent('[data-testid="offline-notice"]')).toContain(
      "every extraction is a scripted replay of the answer for the sample note below",
    );
    expect(await page.textContent('[data-testid="sample-note"]')).toBe(meetingNote);
    await expectShown("sample-note");
    expect(await page.getByTestId("note-differs").count()).toBe(0);

    // A note of one's own is answered with the sample's meeting all the same, as the notice warns.
    await page.fill("#note", "Lunch with Ada Lovelace (ada@example.com, @ada) on 10 December 1843.");
    expect(await page.getByTestId("note-differs").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-testid="summary"]', { timeout: 15_000 });
    expect(await shown()).toEqual(meetingAnswer);
    expect(await page.textContent('[data-testid="source"]')).toBe("offline replay");

    await page.getByRole("button", { name: "Use the sample note" }).click();
    expect(await page.inputValue("#note")).toBe(meetingNote);
    expect(await page.getByTestId("note-differs").count()).toBe(0);
    const mode = await (await fetch(`${demo.url}/api/mode`)).json();
    expect(mode).toEqual({ mode: "offline", sampleNote: meetingNote });
  });

  it("shows no replay notice when a model reads the note, and the model gets the note typed", async () => {
    if (setUpFailure) throw setUpFailure.error;
    // A stand-in for OpenAI: it answers the tool call the way a model would, and keeps the prompts.
    const prompts: string[] = [];
    const provider = await startMockProvider({
      handler: (request) => {
        const body = request.body as {
          messages?: { content?: unknown }[];
          tools?: { function?: { name?: string } }[];
        };
        prompts.push(String(body.messages?.at(-1)?.content ?? ""));
        const name = body.tools?.[0]?.function?.name ?? "Response";
        return { toolCalls: [{ name, arguments: JSON.stringify(meetingAnswer) }], chunks: 8, delayMs: 5 };
      },
    });
    const names = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"] as const;
    const saved = names.map((name) => process.env[name]);
    let live: WebDemo | undefined;
    try {
      process.env.OPENAI_API_KEY = "test-key";
      process.env.OPENAI_BASE_URL = `${provider.url}/v1`;
      process.env.OPENAI_MODEL = "test-model";
      live = await startWebDemo({ pageDir, online: true });
    } finally {
      for (const [index, name] of names.entries()) {
        if (saved[index] === undefined) delete process.env[name];
        else process.env[name] = saved[index];
      }
    }
    try {
      page = await context.newPage();
      const modeAnswered = page.waitForResponse((response) => response.url().endsWith("/api/mode"));
      await page.goto(`${live.url}/`);
      expect(await (await modeAnswered).json()).toEqual({ mode: "live", model: "test-model" });
      await page.waitForSelector('[data-testid="meeting"]');
      const note = "Standup with Grace Hopper (grace@example.com, @grace) on 1 June 2025.";
      await page.fill("#note", note);
      await page.getByRole("button", { name: "Extract", exact: true }).click();
      await page.waitForSelector('[data-testid="summary"]', { timeout: 15_000 });
      expect(prompts.at(-1)).toContain(note);
      expect(await page.textContent('[data-testid="source"]')).toBe("test-model");
      expect(await page.getByTestId("offline-notice").count()).toBe(0);
      expect(await page.getByTestId("note-differs").count()).toBe(0);
    } finally {
      await live?.close();
      await provider.close();
    }
  });
  describe.each([1280, 390, 360])("at %i px wide", (width) => {
    it("fits the screen before, during and after a run, and shows the notice, summary and JSON", async () => {
      if (setUpFailure) throw setUpFailure.error;
      page = await context.newPage();
      await page.setViewportSize({ width, height: 800 });
      await page.addInitScript(probe);
      await page.goto(`${demo.url}/`);
      await page.waitForSelector('[data-testid="offline-notice"]');
      await expectFits("before a run");
      await expectShown("offline-notice");
      await expectShown("meeting");

      await page.getByRole("button", { name: "Extract", exact: true }).click();
      await page.waitForSelector('[data-participants="2"]');
      await screenshot(`layout-${width}-streaming`);
      await expectFits("mid-stream");
      const bar = (await page.getByTestId("progress").boundingBox())!;
      expect(bar.width).toBeGreaterThan(100);
      expect(bar.x + bar.width).toBeLessThanOrEqual(width);

      await page.waitForSelector('[data-testid="summary"]', { timeout: 15_000 });
      await screenshot(`layout-${width}-done`);
      await expectFits("done");
      await expectShown("offline-notice");
      await expectShown("meeting");
      await expectShown("summary");
      const json = await expectShown("final-json");
      // Side by side where there is room, one above the other on a phone.
      const cards = await page.getByTestId("user").evaluateAll((elements) =>
        elements.map((element) => {
          const box = element.getBoundingClientRect();
          return { x: box.x, y: box.y, right: box.right };
        }),
      );
      expect(cards).toHaveLength(3);
      if (width >= 1000) {
        expect(new Set(cards.map((card) => card.y)).size).toBe(1);
      } else {
        expect(new Set(cards.map((card) => card.x)).size).toBe(1);
        expect(cards[0]!.y).toBeLessThan(cards[1]!.y);
      }
      // The JSON keeps its lines and scrolls inside its box when they are longer than the screen.
      const scroll = await page
        .getByTestId("final-json")
        .evaluate((element) => ({ content: element.scrollWidth, box: element.clientWidth }));
      expect(json.width).toBeLessThanOrEqual(width);
      if (width < 500) expect(scroll.content).toBeGreaterThan(scroll.box);
      expect(JSON.parse((await page.textContent('[data-testid="final-json"]')) ?? "")).toEqual(meetingAnswer);
      expectForwardOnly(await frames());
    });
  });
});
