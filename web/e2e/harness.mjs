// Starts a real `runt up` and Debian's chromium (driven by playwright-core) for the browser
// tests and benchmarks. Screenshots go to build/screenshots/ for review.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// `runt up` on a free port (or `port`), in its own data directory, with `env` added to this
// process's environment; resolves once it printed the URL.
export async function startUp(runt, { dataDir, port = 0, args = [], env = {} } = {}) {
  dataDir ??= mkdtempSync(join(tmpdir(), 'runt-e2e-'))
  const proc = spawn(runt, ['up', '--port', String(port), '--data', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let log = ''
  proc.stderr.on('data', (d) => { log += d; if (process.env.RUNT_E2E_LOG) process.stderr.write(d) })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`runt up printed no URL in 60 s:\n${out}\n${log}`)), 60_000)
    proc.stdout.on('data', (d) => {
      out += d
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/n\/[^\s?]+\?token=\S+)/)
      if (m) { clearTimeout(timer); resolve(m[1]) }
    })
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`runt up exited with ${code}:\n${out}\n${log}`)) })
  })
  const u = new URL(url)
  return {
    proc, dataDir, url, port: Number(u.port), origin: u.origin, token: u.searchParams.get('token'),
    notebookId: decodeURIComponent(u.pathname.split('/')[2]),
    log: () => log,
    stop: (signal = 'SIGINT') => new Promise((resolve) => {
      if (proc.exitCode !== null) return resolve(proc.exitCode)
      proc.once('exit', (code) => resolve(code))
      proc.kill(signal)
    }),
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
}

export const screenshotDir = (root) => {
  const dir = join(root, 'screenshots')
  mkdirSync(dir, { recursive: true })
  return dir
}

// A small assertion log: every check prints, the process exits 1 if any failed.
export function checker(name) {
  let failed = 0
  return {
    ok(what, cond, detail = '') {
      console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}${!cond && detail ? `: ${detail}` : ''}`)
      if (!cond) failed++
    },
    done() {
      console.log(failed ? `${name}: ${failed} check(s) failed` : `${name}: all checks passed`)
      return failed
    },
  }
}

// Waits for `fn` (run in the page) to return truthy; returns its value or null on timeout.
// Polled from node: playwright's waitForFunction evaluates its predicate with eval inside the
// page when it has to poll, which the app's CSP (rightly) refuses.
export async function until(page, fn, arg, ms = 15_000, intervalMs = 50) {
  const end = Date.now() + ms
  for (;;) {
    const value = await page.evaluate(fn, arg).catch(() => null)
    if (value) return value
    if (Date.now() > end) return null
    await sleep(intervalMs)
  }
}
