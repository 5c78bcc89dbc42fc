// Drives the registry's web UI in headless Chromium with every request off loopback refused:
// logs in with a token through the login form, follows the links to a variant's history, clicks
// the diff of the newest composition and reads the side-by-side diff and the classified changes,
// then logs out. Prints what happened as one JSON line, for tests/registry/test_ui.py.
//
//   node tests/browser/registry.mjs http://127.0.0.1:PORT TOKEN [GRAPH] [VARIANT]
//
// CHROMIUM names the browser (default /usr/bin/chromium, Debian's). Exit 0 with the JSON
// whenever the browser ran, even if the page failed: the test reads why.
import { launch, loopbackPage, newReport, violations } from "./loopback.mjs";

const origin = process.argv[2].replace(/\/$/, "");
const token = process.argv[3];
const graph = process.argv[4] ?? "shop";
const variant = process.argv[5] ?? "prod";

const report = newReport();
const browser = await launch();
try {
  const { context, page } = await loopbackPage(browser, report);
  const collectViolations = async () => {
    report.violations.push(...(await violations(page)));
  };

  try {
    // Not logged in: the home page is the login form.
    const first = await page.goto(`${origin}/`, { waitUntil: "load" });
    report.firstStatus = first?.status() ?? null;
    await page.locator('input[name="token"]').fill(token);
    // The login form was on "/" already: wait for the page that knows who is logged in.
    await page.locator('form[action="/ui/login"] button[type="submit"]').click();
    await page.locator("header.top .who").waitFor({ timeout: 20_000 });
    await page.waitForLoadState("load");
    report.afterLogin = new URL(page.url()).pathname;
    await collectViolations();
    // The 401 of the login page is the only error the console may have shown so far.
    report.consoleErrorsBeforeLogin = report.consoleErrors.splice(0);
    const cookie = (await context.cookies()).find((c) => c.name === "hansa_registry_token");
    report.cookie = cookie
      ? { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, path: cookie.path }
      : null;
    report.documentCookie = await page.evaluate(() => document.cookie);
    report.stylesheet = await page.evaluate(
      () => getComputedStyle(document.querySelector("header.top")).display === "flex",
    );

    // Home -> the variant -> its History tab.
    await page.locator(`a[href="/ui/graphs/${graph}/variants/${variant}"]`).first().click();
    await page.waitForURL(`**/ui/graphs/${graph}/variants/${variant}`);
    await collectViolations();
    await page.locator("nav.tabs a", { hasText: "History" }).click();
    await page.waitForURL(`**/ui/graphs/${graph}/variants/${variant}/history`);
    await collectViolations();
    report.historyNumbers = await page
      .locator("table.history tbody tr td:first-child")
      .allInnerTexts();

    // The newest composition's diff (the second publish of a subgraph, in the test).
    await page.locator("table.history tbody tr").first().locator("a", { hasText: "diff" }).click();
    await page.waitForURL(/\/diff\?/);
    await collectViolations();
    report.diffUrl = page.url();
    report.heading = await page.locator("main h1").innerText();
    report.added = await page.locator("table.diff td.add").allTextContents();
    report.removed = await page.locator("table.diff td.del").allTextContents();
    report.changes = await page.locator("table.changes tbody tr").evaluateAll((rows) =>
      rows.map((row) => {
        const cells = row.querySelectorAll("td");
        return {
          severity: cells[0].innerText.trim(),
          code: cells[1].innerText.trim(),
          coordinate: cells[2].innerText.trim(),
        };
      }),
    );
    // Both columns side by side: the added line sits in the right half of the table.
    report.addedOnTheRight = await page.evaluate(() => {
      const table = document.querySelector("table.diff").getBoundingClientRect();
      const cell = document.querySelector("table.diff td.add");
      return cell !== null && cell.getBoundingClientRect().left >= table.left + table.width / 2 - 40;
    });

    // Log out.
    await Promise.all([
      page.waitForURL("**/ui/login"),
      page.locator('form[action="/ui/logout"] button').click(),
    ]);
    report.afterLogout = {
      path: new URL(page.url()).pathname,
      cookies: (await context.cookies()).filter((c) => c.name === "hansa_registry_token").length,
    };
    await collectViolations();
  } catch (error) {
    report.failure = String(error);
    report.body = (await page.locator("body").innerText()).slice(0, 2000);
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
