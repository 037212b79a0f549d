// The few Node APIs the test programs use, typed here because the web package has no
// @types/node (the schema code must not depend on Node). Tests are bundled for Node by build.mjs.

interface NodeProcess {
  argv: string[]
  exit(code?: number): never
  stdout: { write(text: string): boolean }
}

interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string
  readdirSync(path: string): string[]
}

export const proc = (globalThis as unknown as { process: NodeProcess }).process

// A computed specifier keeps bundlers and the type checker from resolving the module.
const fsModule = 'node:fs'
const fs = (await import(fsModule)) as NodeFs

export function readText(path: string): string {
  return fs.readFileSync(path, 'utf8')
}

export function listDir(path: string): string[] {
  return fs.readdirSync(path)
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`
}
