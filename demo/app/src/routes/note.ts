import { findNote } from '../notes.ts'
import { RELEASE } from '../release.ts'

export const release = RELEASE

export function render(view: HTMLElement, params: readonly string[]): string {
  const note = findNote(Number(params[0]))
  if (!note) {
    view.innerHTML = `<h1>No such note</h1><p><a href="/">Back to all notes</a></p>`
    return 'No such note'
  }
  view.innerHTML = `<h1>${note.title}</h1><p>${note.body}</p><p><a href="/">Back to all notes</a></p>`
  return note.title
}
