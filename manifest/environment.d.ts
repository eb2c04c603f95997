/**
 * The one host API this folder uses: WHATWG `URL`, present in browsers, workers and Node alike. Declared here, at
 * the size needed, because this folder's lib is bare ES2022, so no DOM or Node type can slip into shared code.
 */
declare class URL {
  constructor(url: string, base?: string)
  readonly href: string
}
