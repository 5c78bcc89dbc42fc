// Opens the gateway's GraphiQL page in headless Chromium with every request off loopback
// refused (as on a machine without internet), runs `{ me { name } }` with the run button and
// prints what happened as one JSON line, for tests/server/test_graphiql_browser.py.
//
//   node tests/browser/graphiql.mjs http://127.0.0.1:PORT/graphql
//
// CHROMIUM names the browser (default /usr/bin/chromium, Debian's). Exit 0 with the JSON
// whenever the browser ran, even if the page failed: the test reads why.
import { launch, loopbackPage, newReport, violations } from "./loopback.mjs";

const url = process.argv[2];
const query = process.argv[3] ?? "{ me { name } }";

const report = newReport();
const browser = await launch();
try {
  const { page } = await loopbackPage(browser, report);
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
  report.violations = await violations(page);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
