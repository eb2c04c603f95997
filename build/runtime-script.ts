/**
 * The in-page runtime as it goes into each index.html: the prebuilt minified script with its configuration in place
 * of the placeholder. Inlined, not loaded: it must run before the app's first script, and it must belong to the very
 * document it guards (a separate file could itself be a file a deployment removed).
 */
import { CONFIG_PLACEHOLDER, type RuntimeConfig } from '../app-runtime/config.js'
import { PREBUILT, readPrebuilt } from './prebuilt.js'

let runtimeCode: string | undefined

/** The prebuilt runtime, with its placeholder still in it. */
export function readRuntimeCode(): string {
  return (runtimeCode ??= readPrebuilt(PREBUILT.inlineRuntime))
}

/**
 * The runtime's code configured for one document. The configuration is JSON with `<` escaped, so no value can
 * close the script element it sits in.
 */
export function configureRuntime(code: string, config: RuntimeConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c')
  return code.replace(CONFIG_PLACEHOLDER, () => json)
}
