/** Which build this is. Every chunk imports it, so every chunk's hash changes from one release to the next. */
export const RELEASE: string = import.meta.env.VITE_RELEASE ?? 'dev'
export const COLOR_NAME: string = import.meta.env.VITE_RELEASE_COLOR_NAME ?? 'grey'
export const COLOR: string = import.meta.env.VITE_RELEASE_COLOR ?? '#6b7280'
