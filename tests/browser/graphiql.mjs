// Opens the gateway's GraphiQL page in headless Chromium with every request off loopback
// refused (as on a machine without internet), runs `{ me { name } }` with the run button and
// prints what happened as one JSON line, for tests/server/test_graphiql_browser.py.
//
//   node tests/browser/graphiql.mjs http://127.0.0.1:PORT/graphql
//
// CHROMIUM names the browser (default /usr/bin/chromium, Debian's). Exit 0 with the JSON
// whenever the browser ran, even if the page failed: the test reads why.
import { chromium } from "playwright-core";

const url = process.argv[2];
const query = process.argv[3] ?? "{ me { name } }";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

const report = { requests: [], blocked: [], pageErrors: [], consoleErrors: [], violations: [] };
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
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
  // Anything the page's Content-Security-Policy refused.
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });

  const response = await page.goto(url, { waitUntil: "load" });
  report.status = response?.status() ?? null;
  report.csp = response?.headers()["content-security-policy"] ?? null;
  try {
    // The query editor is a CodeMirror 5 instance once GraphiQL has rendered.
    const editor = page.locator(".graphiql-query-editor .CodeMirror");
    await editor.waitFor({ timeout: 20_000 });
    report.editor = true;
    await editor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    // insertText, not type: keystrokes would trigger the editor's bracket auto-closing.
    await page.keyboard.insertText(query);
    report.query = await page.evaluate(
      () => document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror.getValue(),
    );
    await page.locator("button.graphiql-execute-button").click();
    await page.waitForFunction(
      () => document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror.getValue(),
      null,
      { timeout: 20_000 },
    );
    report.result = await page.evaluate(
      () => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue(),
    );
    report.resultText = await page.locator(".graphiql-response").innerText();
  } catch (error) {
    report.failure = String(error);
    report.body = (await page.locator("body").innerText()).slice(0, 2000);
  }
  report.violations = await page.evaluate(() => window.__violations);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
