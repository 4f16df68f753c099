// The preview page (examples/web) in headless Chromium, driven with playwright-core against
// the installed package: amounts to the cent as the user types, diagnostics, the pay curve,
// and a screenshot (target/wasm-artifacts/preview.png). Playwright makes a fresh, empty
// profile directory for the browser and removes it afterwards.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = process.env.COMMISSIO_ROOT || resolve(new URL('.', import.meta.url).pathname, '../../..');
const webDir = process.env.COMMISSIO_WEB || join(root, 'examples/web');
const artifacts = process.env.COMMISSIO_ARTIFACTS || join(root, 'target/wasm-artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const packageDir = dirname(require.resolve('commissio/package.json'));

const { chromium } = require('playwright-core');
const { serve } = await import(pathToFileURL(join(webDir, 'serve.mjs')).href);

test('the preview page computes, explains and draws as the user types', async (t) => {
  const server = await serve({ root: webDir, packageDir });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));

  await page.goto(server.url);
  const text = (sel) => page.locator(sel).textContent();
  const waitText = async (sel, want) => {
    await page.waitForFunction(
      ([s, w]) => document.querySelector(s) && document.querySelector(s).textContent.trim() === w,
      [sel, want],
      { timeout: 15000 },
    ).catch(async () => assert.fail(`${sel}: wanted ${JSON.stringify(want)}, shows ${JSON.stringify(await text(sel))}; ${problems.join('; ')}`));
  };

  // Start: a 150,000.00 Platform new-logo deal against a 400,000.00 quota. Attainment 37.5%
  // passes the 25% gate: 150,000 × 2% × 1.2 = 3,600.00, plus the 250.00 SPIFF.
  await waitText('#deal-commission', '3,850.00');
  await waitText('#period-total', '3,850.00');
  assert.equal((await text('.figure .currency')).trim(), 'USD');
  assert.match(await text('#explanation'), /150,000\.00 × 2% = 3,000\.00/);
  assert.match(await text('#plan-status'), /Plan “Account Executive FY2026” is valid/);

  // The pay curve: an SVG, with its points (quota 400,000, target incentive 80,000).
  // 100%: 200,000 × 2% + 200,000 × 8% = 20,000.00. 120%: + 80,000 × 12% + the 2,000 kicker =
  // 31,600.00. 200%: core capped at 40,000 + kicker = 42,000.00.
  assert.equal(await page.locator('#curve svg').count(), 1);
  assert.match(await page.locator('#curve svg').innerHTML(), /Account Executive FY2026/);
  const point = (a) => page.locator(`#curve-points tr[data-attainment="${a}"] td`).nth(2).textContent();
  assert.equal(await point('1.00'), '20,000.00');
  assert.equal(await point('1.20'), '31,600.00');
  assert.equal(await point('2.00'), '42,000.00');
  assert.equal(await point('0.20'), '0.00');

  // Typing a bigger amount: 75% attainment, 200,000 × 2% + 100,000 × 8% = 12,000 × 1.2 =
  // 14,400.00, plus 250.00.
  const amount = page.locator('input[name="deal.amount"]');
  await amount.fill('');
  await amount.pressSequentially('300000');
  await waitText('#deal-commission', '14,650.00');
  assert.match(await text('#explanation'), /100,000\.00 × 8% = 8,000\.00/);
  assert.match(await text('#explanation'), /multiplied by 1\.2/);

  // Not a new logo: 12,000.00 + 250.00. Not Platform either: 12,000.00.
  await page.locator('input[name="deal.new_logo"]').uncheck();
  await waitText('#deal-commission', '12,250.00');
  await page.locator('input[name="deal.product"]').fill('Support');
  await waitText('#deal-commission', '12,000.00');

  // Cents: 123,456.78 × 2% = 2,469.1356 → half-even to 2,469.14.
  await amount.fill('123456.78');
  await waitText('#deal-commission', '2,469.14');
  // Past the 120% kicker: 500,000 = 125%. 4,000 + 16,000 + 100,000 × 12% = 32,000 → capped
  // at 40,000? no: 32,000.00 for the deal, and the 2,000.00 kicker is a period line.
  await amount.fill('500000.00');
  await waitText('#deal-commission', '32,000.00');
  await waitText('#period-total', '34,000.00');

  // Bad data names the field; the figures go stale, then come back.
  await amount.fill('12.345');
  await page.waitForSelector('#result-error:not([hidden])');
  assert.match(await text('#result-error'), /D0103.*deals row 1.*"amount"/);
  await amount.fill('1000.00');
  await page.waitForSelector('#result-error', { state: 'hidden' });

  // A plan error while typing in the editor: diagnostics with UTF-16 line and column.
  const editor = page.locator('#plan');
  const source = await editor.inputValue();
  await editor.fill(source.replace('currency USD', 'currency usd'));
  await page.waitForSelector('#diagnostics li');
  const diag = await text('#diagnostics li');
  assert.match(diag, /line 3, column 12 E0001/);
  assert.match(await text('#plan-status'), /1 problem in the plan/);
  // Clicking it selects the span in the editor.
  await page.locator('#diagnostics li').first().click();
  const selected = await editor.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd));
  assert.equal(selected, 'usd');

  // Fix it by typing; then change the plan: a 3% first tier pays more, live.
  await editor.fill(source);
  await page.waitForSelector('#diagnostics li', { state: 'detached' });
  await amount.fill('100000.00');
  await waitText('#deal-commission', '2,000.00');
  await editor.fill(source.replace('[0%,   50%)  2%', '[0%,   50%)  3%'));
  await waitText('#deal-commission', '3,000.00');
  await editor.fill(source);
  await page.locator('input[name="deal.new_logo"]').check();
  await page.locator('input[name="deal.product"]').fill('Platform');
  await amount.fill('300000.00');
  await waitText('#deal-commission', '14,650.00');

  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, 'preview.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  assert.deepEqual(problems, []);
});

// One program case (tests/programs/001) through the browser entry point in Chromium: the same
// total and the same canonical JSON as in Node.
test('a program in Chromium: tests/programs/001 as in Node', async (t) => {
  const support = require('./support.cjs');
  const node = require('commissio');
  const c = support.programCases().find((x) => x.name.startsWith('001-'));
  assert.ok(c, 'tests/programs/001 is missing');
  const inNode = support.runProgramCase(node, c);
  const server = await serve({ root: webDir, packageDir });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const page = await browser.newPage();
  await page.goto(`${server.url}node_modules/commissio/package.json`);
  const got = await page.evaluate(async (spec) => {
    const m = await import('/node_modules/commissio/dist/browser.mjs');
    await m.init();
    const program = m.Program.parse(spec.texts, { split: spec.split });
    const r = program.evaluate({ payees: spec.payees, deals: spec.deals, assignments: spec.assignments }, spec.period);
    return {
      names: program.names,
      total: r.total('R1', spec.period),
      lines: r.verifyTraces(),
      kinds: r.plans.map((p) => p.results.lines.map((l) => l.kind).join(',')),
      explain: program.explain(r, 'R1'),
      canonical: r.canonicalJson(),
    };
  }, { texts: c.plans.map((p) => p.text), split: c.spec.split, payees: c.spec.payees, deals: c.spec.deals, assignments: c.spec.assignments, period: c.spec.period });
  assert.deepEqual(got.names, ['SDR', 'AE']);
  // SDR 80.00 x 15/30 + AE 400.00 x 15/30 (tests/programs/001).
  assert.equal(got.total, '240.00');
  assert.equal(got.lines, 6);
  assert.deepEqual(got.kinds, ['deal,deal,assignment', 'deal,deal,assignment']);
  assert.match(got.explain, /on this plan 15 of 30 days/);
  assert.equal(got.canonical, inNode.canonical);
});
