// undici's own modules, imported one by one by undici.ts (the package has no "exports" map, so these
// paths are public files of the published package). Their types come from undici's declarations, applied there.
declare module 'undici/lib/dispatcher/agent.js' {
  const value: unknown
  export default value
}
declare module 'undici/lib/dispatcher/dispatcher.js' {
  const value: unknown
  export default value
}
declare module 'undici/lib/handler/retry-handler.js' {
  const value: unknown
  export default value
}
declare module 'undici/lib/api/api-request.js' {
  const value: unknown
  export default value
}
