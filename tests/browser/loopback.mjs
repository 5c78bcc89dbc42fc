// What the page tests share: a headless Chromium page that refuses every request off loopback
// (as on a machine without internet) and records what went wrong into `report`: blocked
// requests, page errors, console errors, and anything the page's Content-Security-Policy
// refused (read with `violations()`).
import { chromium } from "playwright-core";

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function newReport() {
  return { requests: [], blocked: [], pageErrors: [], consoleErrors: [], violations: [] };
}

export async function launch() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
}

export async function loopbackPage(browser, report) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("**/*", (route) => {
    const target = route.request().url();
    if (loopback.has(new URL(target).hostname)) {
      report.requests.push(target);
      return route.continue();
    }
    report.blocked.push(target);
    return route.abort("internetdisconnected");
  });
  page.on("pageerror", (error) => report.pageErrors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  return { context, page };
}

export async function violations(page) {
  return page.evaluate(() => window.__violations ?? []);
}
