// The test host page's script (bundled for the browser by host-page.ts): ext-apps' own host side (AppBridge and
// PostMessageTransport) mounting one view in a sandboxed iframe, the way a chat client does. Tool calls from the
// view go to `window.hostCallTool`, which the test wires to a real MCP client of our server.
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';

/** The iframe's CSP from the resource's `_meta.ui.csp`, built as the spec tells hosts to. */
function cspOf(csp = {}) {
  const resources = (csp.resourceDomains ?? []).join(' ');
  const connect = (csp.connectDomains ?? []).join(' ') || "'none'";
  const frames = (csp.frameDomains ?? []).join(' ') || "'none'";
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${resources}`,
    `style-src 'self' 'unsafe-inline' ${resources}`,
    `img-src 'self' data: ${resources}`,
    `font-src 'self' ${resources}`,
    `media-src 'self' data: ${resources}`,
    `connect-src ${connect}`,
    `frame-src ${frames}`,
    "base-uri 'self'",
  ].join('; ');
}

window.hostMessages = [];
window.hostErrors = [];

window.mountApp = async ({ html, csp, tool, toolInput, toolResult }) => {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.title = tool.name;
  const meta = `<meta http-equiv="Content-Security-Policy" content="${cspOf(csp)}">`;
  iframe.srcdoc = html.replace('<head>', `<head>${meta}`);
  document.getElementById('frame').replaceChildren(iframe);

  const bridge = new AppBridge(
    null,
    { name: 'plex-mcp-test-host', version: '1.0.0' },
    { serverTools: {}, message: { text: {} }, logging: {} },
    {
      hostContext: {
        toolInfo: { tool },
        theme: 'light',
        displayMode: 'inline',
        availableDisplayModes: ['inline'],
        platform: 'web',
        containerDimensions: { maxHeight: 2000, width: 720 },
      },
    },
  );
  bridge.oncalltool = (params) => window.hostCallTool(params);
  bridge.onmessage = async (params) => {
    window.hostMessages.push(params);
    return {};
  };
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${height}px`;
  };
  bridge.onerror = (error) => window.hostErrors.push(String(error));
  const initialized = new Promise((resolve) => {
    bridge.oninitialized = resolve;
  });
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  await initialized;
  window.appInfo = bridge.getAppVersion();
  await bridge.sendToolInput({ arguments: toolInput });
  await bridge.sendToolResult(toolResult);
};
