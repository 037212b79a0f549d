// Bundles the web UI into OUT_DIR (what `runt serve --web-dir` serves) and the node test
// programs into OUT_DIR/../web-tests. Nothing is fetched at run time: every library is bundled.
// Usage: node build.mjs OUT_DIR
import * as esbuild from 'esbuild'
import { cpSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const out = resolve(process.argv[2] ?? join(here, '..', 'build', 'web-ui'))
mkdirSync(join(out, 'assets'), { recursive: true })
cpSync(join(here, 'static'), out, { recursive: true })

const common = { bundle: true, minify: true, sourcemap: true, target: 'es2022', logLevel: 'warning', legalComments: 'none' }
await esbuild.build({
  ...common,
  entryPoints: { app: join(here, 'src/app/main.ts'), frame: join(here, 'src/frame/frame.ts') },
  outdir: join(out, 'assets'),
  format: 'esm',
})

// Node programs (tests, benchmarks) that import the same TypeScript modules.
const tests = readdirSync(join(here, 'test')).filter((f) => f.endsWith('.ts'))
if (tests.length > 0) {
  await esbuild.build({
    ...common,
    minify: false,
    entryPoints: tests.map((f) => join(here, 'test', f)),
    outdir: join(out, '..', 'web-tests'),
    platform: 'node',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
  })
}
