// The reference page at /docs: one self-contained HTML page (no CDN, no build step, works offline) that reads the
// OpenAPI document and lists every operation with its parameters, body, responses and the webhooks we send.

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; line-height: 1.45; }
  h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2.5rem; }
  details { border: 1px solid #d0d7de; border-radius: 8px; margin: .6rem 0; padding: .4rem .8rem; }
  summary { cursor: pointer; font-weight: 600; }
  .method { display: inline-block; min-width: 3.5rem; font-family: ui-monospace, monospace; color: #fff; border-radius: 4px; padding: 0 .4rem; margin-right: .5rem; text-align: center; }
  .get { background: #0969da; } .post { background: #1f883d; }
  code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
  pre { background: #f6f8fa; padding: .7rem; border-radius: 6px; overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; } td, th { border-bottom: 1px solid #eaeef2; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  .muted { color: #57606a; }
`;

const SCRIPT = `
  const root = document.getElementById('reference');
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };
  const json = (value) => el('pre', { textContent: JSON.stringify(value, null, 2) });
  // \`code\` spans of the descriptions as <code>, the rest as text: nothing from the document is parsed as HTML
  const prose = (tag, text) => el(tag, {}, ...String(text).split('\`').map((part, i) => (i % 2 ? el('code', { textContent: part }) : part)));
  function operation(method, path, op) {
    const box = el('details', { id: op.operationId });
    box.append(el('summary', {}, el('span', { className: 'method ' + method, textContent: method.toUpperCase() }),
      el('code', { textContent: path }), ' — ' + op.summary));
    if (op.description) box.append(prose('p', op.description));
    const auth = (op.security || []).map((s) => Object.keys(s)[0]).join(', ') || 'none';
    box.append(el('p', { className: 'muted', textContent: 'Authentication: ' + auth }));
    if (op.parameters && op.parameters.length) {
      const table = el('table', {}, el('tr', {}, el('th', { textContent: 'Parameter' }), el('th', { textContent: 'In' }),
        el('th', { textContent: 'Required' }), el('th', { textContent: 'Schema' })));
      for (const p of op.parameters) {
        table.append(el('tr', {}, el('td', {}, el('code', { textContent: p.name })), el('td', { textContent: p.in }),
          el('td', { textContent: p.required ? 'yes' : 'no' }), el('td', {}, json(p.schema))));
      }
      box.append(table);
    }
    if (op.requestBody) {
      box.append(el('h4', { textContent: 'Body (application/json)' }), json(op.requestBody.content['application/json'].schema));
    }
    box.append(el('h4', { textContent: 'Responses' }));
    for (const [status, res] of Object.entries(op.responses)) {
      const content = res.content ? Object.entries(res.content)[0] : null;
      box.append(el('p', {}, el('strong', { textContent: status + ' ' }), res.description + (content ? ' (' + content[0] + ')' : '')));
      if (content && content[1].schema && !content[1].schema.$ref) box.append(json(content[1].schema));
    }
    return box;
  }
  fetch(document.body.dataset.spec).then((r) => r.json()).then((spec) => {
    document.title = spec.info.title + ' · reference';
    root.replaceChildren(el('h1', { textContent: spec.info.title }), prose('p', spec.info.description),
      el('p', {}, 'The document: ', el('a', { href: document.body.dataset.spec, textContent: 'openapi.json' })));
    for (const tag of spec.tags) {
      root.append(el('h2', { textContent: tag.name }));
      if (tag.description) root.append(prose('p', tag.description));
      for (const [path, item] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(item)) if (op.tags.includes(tag.name)) root.append(operation(method, path, op));
      }
    }
    root.append(el('h2', { textContent: 'Webhooks we send to your backend' }));
    for (const [name, item] of Object.entries(spec.webhooks)) root.append(operation('post', name, item.post));
    root.append(el('h2', { textContent: 'Errors' }), el('p', { textContent: 'Every error is application/problem+json:' }),
      json(spec.components.schemas.Problem));
  }).catch((err) => { root.textContent = 'Could not load the document: ' + err; });
`;

/** The reference page; `specUrl` is where it fetches the OpenAPI document from. */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payments API reference</title>
<style>${STYLE}</style>
</head>
<body data-spec="${specUrl.replaceAll('"', '&quot;')}">
<main id="reference"><p>Loading the API reference…</p></main>
<script>${SCRIPT}</script>
</body>
</html>`;
}
