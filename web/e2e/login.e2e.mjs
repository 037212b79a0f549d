// The login form in headless chromium against a real `runt up`: a browser without the token
// link gets the form; a wrong token is refused on the form; the right one (typed, as from
// `runt serve`'s output) lands on the notebook the browser asked for.
// Usage: node login.e2e.mjs RUNT_BINARY BUILD_DIR
import { checker, launchBrowser, screenshotDir, startUp, until } from './harness.mjs'

const [runt, buildDir] = process.argv.slice(2)
const shots = screenshotDir(buildDir)
const t = checker('browser login')
const up = await startUp(runt)
const browser = await launchBrowser()
let page
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } })
  page = await context.newPage()
  const requests = []
  page.on('request', (r) => requests.push(r.url()))
  const notebookPath = `/n/${encodeURIComponent(up.notebookId)}`

  const first = await page.goto(`${up.origin}${notebookPath}`)
  t.ok('without a login the page is the form (401)', first.status() === 401, String(first.status()))
  t.ok('the form asks for a token or API key', (await page.locator('label[for=token]').innerText()).trim() === 'Token or API key')
  t.ok('the field is a password field', (await page.locator('#token').getAttribute('type')) === 'password')
  await page.screenshot({ path: `${shots}/login-form.png` })

  await page.fill('#token', 'not-the-token')
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
  t.ok('a wrong token shows the error', (await page.content()).includes('That token is not valid.'))
  t.ok('a wrong token sets no cookie', (await context.cookies()).length === 0, JSON.stringify(await context.cookies()))
  await page.screenshot({ path: `${shots}/login-wrong-token.png` })

  await page.fill('#token', up.token)
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')])
  t.ok('the right token goes to the page asked for', new URL(page.url()).pathname === notebookPath, page.url())
  t.ok('the notebook loads', await until(page, () => document.querySelector('.notebook-page')?.dataset.loaded === 'true', undefined, 30_000) === true)
  const cookie = (await context.cookies()).find((c) => c.name === `runt_token_${up.port}`)
  t.ok('the login is the session cookie', !!cookie && /^[0-9a-f]{64}$/.test(cookie.value) && cookie.httpOnly, JSON.stringify(cookie))
  t.ok('the token was never in a URL', !requests.some((u) => u.includes(up.token)), requests.join('\n'))
  await page.screenshot({ path: `${shots}/login-done.png` })
} catch (e) {
  t.ok('the run finished', false, e.stack)
  await page?.screenshot({ path: `${shots}/login-failure.png` }).catch(() => {})
} finally {
  await browser.close()
  await up.stop('SIGINT')
  up.cleanup()
  process.exit(t.done() ? 1 : 0)
}
