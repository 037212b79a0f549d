// The notebook list: every notebook the user may open, newest first; create, rename, import.
import { NotebookStore } from './sync'
import * as model from './model'
import { el } from './dom'

interface Summary { id: string; title: string; updatedAt: string | null; ownerId: string; role: string }

async function api(path: string, init?: RequestInit): Promise<Response> {
  const r = await fetch(path, { credentials: 'same-origin', ...init })
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`)
  return r
}

// Commits one event to a notebook that is not open (a rename from the list) and waits until the
// server has stored it.
async function commitTo(id: string, event: { name: string; args: unknown }): Promise<void> {
  const store = new NotebookStore(id)
  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => { store.stop(); reject(new Error('the server did not store the change within 10 s')) }, 10_000)
    let committed = false
    store.subscribe({
      onChange: () => {
        if (!committed && store.loaded) { committed = true; store.commit(event) }
        if (committed && store.unsynced === 0) { clearTimeout(timeout); store.stop(); resolve() }
      },
      onStatus: (status, detail) => { if (status === 'refused') { clearTimeout(timeout); store.stop(); reject(new Error(detail)) } },
    })
    store.start()
  })
}

export async function createNotebook(title: string): Promise<string> {
  const { id } = await (await api('/api/notebooks', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).json()
  await commitTo(id, model.titleChanged(title))
  return id
}

export async function renderList(root: HTMLElement, user: { id: string; name: string }): Promise<void> {
  root.replaceChildren()
  root.className = 'list-page'
  document.title = 'Notebooks · runt'
  const bar = el('header', 'topbar')
  const logout = el('button', 'logout', 'Log out')
  logout.addEventListener('click', async () => {
    await fetch('/api/logout', { method: 'POST', credentials: 'same-origin' })
    location.href = '/'
  })
  bar.append(el('span', 'home', 'runt'), el('span', 'who', `signed in as ${user.name}`), logout)
  const actions = el('div', 'list-actions')
  const create = el('button', 'new-notebook', 'New notebook')
  create.addEventListener('click', async () => { location.href = `/n/${encodeURIComponent(await createNotebook('Untitled'))}` })
  const file = el('input')
  file.type = 'file'
  file.accept = '.ipynb,application/json'
  file.className = 'import-file'
  file.addEventListener('change', async () => {
    const f = file.files?.[0]
    if (!f) return
    try {
      const id = await createNotebook(f.name.replace(/\.ipynb$/, ''))
      await api(`/api/notebooks/${encodeURIComponent(id)}/ipynb`, { method: 'POST', body: await f.text(), headers: { 'Content-Type': 'application/x-ipynb+json' } })
      location.href = `/n/${encodeURIComponent(id)}`
    } catch (e) { alert(`Import failed: ${(e as Error).message}`) }
  })
  const importLabel = el('label', 'import', 'Import .ipynb')
  importLabel.append(file)
  actions.append(create, importLabel)
  const table = el('table', 'notebooks')
  root.append(bar, actions, table)

  const list: Summary[] = await (await api('/api/notebooks')).json()
  list.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))
  if (list.length === 0) table.append(el('caption', undefined, 'No notebooks yet.'))
  for (const n of list) {
    const row = el('tr')
    row.dataset.notebookId = n.id
    const link = el('a', 'open', n.title || 'Untitled')
    link.href = `/n/${encodeURIComponent(n.id)}`
    const rename = el('button', 'rename', 'Rename')
    rename.disabled = n.role === 'reader'
    rename.addEventListener('click', async () => {
      const title = prompt('New title', n.title)
      if (title === null || title === n.title) return
      try { await commitTo(n.id, model.titleChanged(title)); link.textContent = title; n.title = title }
      catch (e) { alert(`Rename failed: ${(e as Error).message}`) }
    })
    const when = el('td', 'updated', n.updatedAt ? new Date(n.updatedAt).toLocaleString() : '')
    const cells = [el('td'), when, el('td', 'role', n.role), el('td')]
    cells[0].append(link)
    cells[3].append(rename)
    row.append(...cells)
    table.append(row)
  }
}
