// Entry point: / lists notebooks, /n/<id> opens one. The page was served only because the
// browser holds the login cookie (a session); every request below rides on it.
import { renderList } from './list'
import { NotebookPage } from './notebook'

async function main(): Promise<void> {
  performance.mark('runt:script') // the bundle is parsed and running (see bench/web_open.mjs)
  const root = document.getElementById('app')!
  const me = await fetch('/api/me', { credentials: 'same-origin' })
  if (!me.ok) {
    // The login ended since this page was served (logged out, revoked): a reload gets the login form.
    root.textContent = 'Not signed in: reload this page to log in (or open the URL that runt up printed).'
    return
  }
  const user: { id: string; name: string } = await me.json()
  const match = location.pathname.match(/^\/n\/([^/]+)\/?$/)
  if (!match) return renderList(root, user)
  const id = decodeURIComponent(match[1])
  const info = await fetch(`/api/notebooks/${encodeURIComponent(id)}`, { credentials: 'same-origin' })
  if (info.status === 404) {
    root.textContent = `No notebook ${id} (or you may not open it).`
    return
  }
  const { role } = info.ok ? await info.json() : { role: 'writer' }
  new NotebookPage(root, id, user, role)
}

void main()
