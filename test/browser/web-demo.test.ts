// The web demo in real headless Chromium: the page builds, the card fills in as the model writes,
// survives a connection cut mid-stream, memoised cards re-render only for their own data, Stop stops.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWebDemo, type WebDemo } from "../../examples/web/server.js";
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
  total: number;
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
    const frame = {
      status: meeting.dataset.status ?? "",
      participants: Number(meeting.dataset.participants),
      complete: Number(meeting.dataset.completeFields),
      total: Number(meeting.dataset.totalFields),
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
    expect(last).toMatchObject({ status: "done", participants: 3, complete: 13, total: 13 });
    expect(await shown()).toEqual(meetingAnswer);
    expect(await page.locator(".check").count()).toBe(4 + 3 * 3 + 3);
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
  });

  it("shows a request the server refuses as an error", async () => {
    await open();
    await page.fill("#note", "");
    await page.getByRole("button", { name: "Extract", exact: true }).click();
    await page.waitForSelector('[data-status="error"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="error"]')).toMatch(/400|meeting note/);
  });
});
