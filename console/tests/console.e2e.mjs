// Browser test of the console against a running HelixStack server, with Debian's Chromium (no browser download):
// sign in, deploy an example through the API and watch it go live on the page, open its logs, roll back, restart.
// Screenshots of every page go to $SCREENSHOTS. Run by e2e/ConsoleE2EIT, which starts the server and passes:
//   HELIX_API_URL, HELIX_TOKEN, EXAMPLE_TARBALL (a .tar.gz of examples/hello-node with VERSION=v1), SCREENSHOTS,
//   CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const api = process.env.HELIX_API_URL;
const token = process.env.HELIX_TOKEN;
const shots = process.env.SCREENSHOTS ?? 'screenshots';
const tarballs = (process.env.EXAMPLE_TARBALLS ?? '').split(',').filter(Boolean);
if (!api || !token || tarballs.length < 2) {
  console.error('console test: HELIX_API_URL, HELIX_TOKEN and EXAMPLE_TARBALLS (two .tar.gz, comma-separated) are needed');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const step = (name) => console.log(`console test: ${name}`);

async function deploy(tarball) {
  const res = await fetch(`${api}/applications/console-demo/deployments`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/gzip' }, body: readFileSync(tarball),
  });
  if (res.status !== 202) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => { console.error('page error:', e.message); failed = true; });
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  step('a wrong token is refused with the API\'s reason');
  await page.goto(api);
  await page.getByLabel('API token').fill('hx_not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'invalid token' }).waitFor();
  await shot('01-sign-in-refused');

  step('sign in, by keyboard');
  await page.getByLabel('API token').fill(token);
  await page.getByLabel('API token').press('Enter');
  await page.getByRole('heading', { name: 'Applications' }).waitFor();
  await shot('02-applications-empty');

  step('deploy through the API; the page shows it going live without a reload');
  await fetch(`${api}/applications`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'console-demo' }) });
  const first = await deploy(tarballs[0]);
  const card = page.locator('li[data-app="console-demo"]');
  await card.waitFor({ timeout: 30_000 });
  await card.locator('.state-live').waitFor({ timeout: 90_000 });
  await shot('03-applications-live');

  step('the application page lists the deployment with its label, source, trigger and URL');
  await card.getByRole('link', { name: 'console-demo', exact: true }).click();
  await page.getByRole('heading', { name: 'console-demo' }).waitFor();
  const row1 = page.locator(`tr[data-label="${first.label}"]`);
  await row1.locator('.state-live').waitFor();
  const rowText = await row1.innerText();
  for (const expected of ['upload', 'd-']) if (!rowText.includes(expected)) throw new Error(`row lacks ${expected}: ${rowText}`);

  step('a second deployment goes live and the first is superseded, live');
  const second = await deploy(tarballs[1]);
  await page.locator(`tr[data-label="${second.label}"] .state-live`).waitFor({ timeout: 90_000 });
  await page.locator(`tr[data-label="${first.label}"] .state-superseded`).waitFor();
  await shot('04-deployments');

  step('the deployment page shows its build log and runtime logs');
  await page.getByRole('link', { name: second.label }).click();
  await page.getByRole('heading', { name: `console-demo ${second.label}` }).waitFor();
  await page.getByLabel('Build log').waitFor();
  await page.locator('pre[aria-label="Log lines"]').filter({ hasText: 'listening' }).waitFor({ timeout: 30_000 });
  await shot('05-deployment-logs');

  step('roll back, after confirming; the first deployment is live again');
  await page.goto(`${api}/#/apps/console-demo`);
  await page.getByRole('button', { name: 'Roll back', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await shot('06-rollback-confirm');
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await page.locator(`tr[data-label="${first.label}"] .state-live`).waitFor({ timeout: 60_000 });
  await page.locator(`tr[data-label="${second.label}"] .state-rolled_back`).waitFor();
  await shot('07-rolled-back');

  step('restart, after confirming; cancel first changes nothing');
  await page.getByRole('button', { name: 'Restart' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Restart' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
  await page.getByRole('status').filter({ hasText: 'Restart: requested' }).waitFor();
  await page.getByRole('link', { name: 'Logs' }).click();
  await page.locator('pre[aria-label="Log lines"]').filter({ hasText: 'Restarted' }).waitFor({ timeout: 60_000 });
  await shot('08-logs-live');

  step('environment variables: masked, revealed on demand, saved per environment');
  await page.getByRole('link', { name: 'Environment' }).click();
  await page.getByLabel('Key').fill('GREETING');
  await page.getByLabel('Value').fill('hello-from-the-console');
  await page.getByRole('button', { name: 'Save variable' }).click();
  const envRow = page.locator('tr[data-key="GREETING"]');
  await envRow.waitFor();
  if ((await envRow.innerText()).includes('hello-from-the-console')) throw new Error('the value is shown before asking');
  await envRow.getByRole('button', { name: 'Show' }).click();
  await envRow.getByText('hello-from-the-console').waitFor();
  await page.getByLabel('Key').fill('1BAD');
  await page.getByLabel('Value').fill('x');
  await page.getByRole('button', { name: 'Save variable' }).click(); // the browser's own pattern check stops it
  await shot('09-environment');

  step('previews: an empty state that says how to get one');
  await page.getByRole('link', { name: /Previews/ }).click();
  await page.getByText('No previews').waitFor();

  step('an API error is shown as the API words it');
  await page.goto(`${api}/#/apps/no-such-app`);
  await page.getByRole('alert').filter({ hasText: 'not found' }).waitFor();
  await shot('10-error');

  step('settings, and a phone-width layout');
  await page.goto(`${api}/#/settings`);
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  await shot('11-settings');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${api}/#/apps/console-demo`);
  await page.locator(`tr[data-label="${first.label}"]`).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 2) throw new Error(`the page is ${overflow}px wider than a phone screen`);
  await shot('12-phone');
  step('done');
} catch (e) {
  console.error(`console test failed: ${e.stack ?? e}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
