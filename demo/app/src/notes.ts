/** The notes the app shows; the list and the note page share them (Vite puts them in a chunk of their own). */
export interface Note {
  id: number
  title: string
  body: string
}

export const NOTES: readonly Note[] = [
  { id: 1, title: 'Groceries', body: 'Oat milk, lemons, a good loaf of bread, coffee beans.' },
  { id: 2, title: 'Trip to Lisbon', body: 'Book the train to Sintra. Ask Ana about the tram 28 early in the morning.' },
  { id: 3, title: 'Ideas', body: 'A notes app that never loses what you type when a new version ships.' },
]

export function findNote(id: number): Note | undefined {
  return NOTES.find((note) => note.id === id)
}
