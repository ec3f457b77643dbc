// The JSON-RPC messages of an MCP handshake, for tests and benches that speak to the server without the SDK's client
// (raw stdio lines, raw HTTP bodies): one definition of what a minimal client sends first.

/** `initialize` as id 1, from a client with no capabilities. */
export function initializeRequest(clientName: string, protocolVersion = '2025-11-25') {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: clientName, version: '1.0.0' } },
  } as const;
}

export const INITIALIZED_NOTIFICATION = { jsonrpc: '2.0', method: 'notifications/initialized' } as const;

export function toolsListRequest(id: number) {
  return { jsonrpc: '2.0', id, method: 'tools/list' } as const;
}
