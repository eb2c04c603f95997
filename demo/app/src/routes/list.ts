import { NOTES } from '../notes.ts'
import { RELEASE } from '../release.ts'

export const release = RELEASE

export function render(view: HTMLElement): string {
  const items = NOTES.map((note) => `<li><a href="/notes/${note.id}">${note.title}</a></li>`).join('')
  view.innerHTML = `<h1>All notes</h1><ul class="notes">${items}</ul>`
  return 'All notes'
}
