/**
 * A headless Chromium for the example page tests: the system chromium started by PID with an empty
 * temp profile, driven over CDP with playwright-core. Skips locally when Chromium is missing; in CI
 * (CI set) a missing browser is an error, since scripts/install-peers.sh installs it.
 */
import type { BrowserContext } from "playwright-core";
import { chromiumMissing, launchChromium, within } from "../helpers/chromium.js";

export { within };

/** A running browser; `close()` ends it and removes its profile. */
export interface TestBrowser {
  /** A fresh context (own cookies/storage) per call. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Why the browser tests cannot run here, or null when they can. Throws in CI. */
export async function browserMissing(): Promise<string | null> {
  const why = await chromiumMissing();
  if (why !== null && process.env["CI"]) throw new Error(`${why} (scripts/install-peers.sh installs it)`);
  return why;
}

/** Starts Chromium (its own PID and process group) and connects to it over CDP. */
export async function launchBrowser(): Promise<TestBrowser> {
  const chrome = await launchChromium("silverback-examples-chromium-");
  return { newContext: () => chrome.browser.newContext(), close: () => chrome.close() };
}
