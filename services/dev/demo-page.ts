// The checkout demo the embedded default serves at `/` to browsers: what an app does with this API, in one plain page
// (no build step, no external assets). Enter an amount and press Pay: the order is created, the sandbox checkout opens
// in a dialog, its callback is forwarded to `confirm` unchanged, and the status follows the order's live stream.
// Development only: it takes its token from the local issuer (`/dev/token`).

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; line-height: 1.5; }
  form { display: flex; gap: .6rem; align-items: end; flex-wrap: wrap; margin: 1rem 0; }
  label { display: flex; flex-direction: column; font-weight: 600; }
  input { font: inherit; padding: .45rem .6rem; border: 1px solid #8c959f; border-radius: 6px; width: 10rem; }
  button { font: inherit; padding: .5rem 1.2rem; border-radius: 6px; border: 0; background: #1f883d; color: #fff; cursor: pointer; }
  button:disabled { opacity: .6; cursor: default; }
  button:focus-visible, input:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
  #status { font-size: 1.4rem; font-weight: 600; padding: .8rem 1rem; border-radius: 8px; background: #f6f8fa; }
  #status[data-status="succeeded"] { background: #dafbe1; } #status[data-status="failed"], #status[data-status="expired"] { background: #ffebe9; }
  #status[data-status="processing"] { background: #fff8c5; }
  dialog { width: min(36rem, 95vw); height: min(34rem, 90vh); padding: 0; border: 1px solid #d0d7de; border-radius: 12px; }
  dialog iframe { width: 100%; height: calc(100% - 2.6rem); border: 0; }
  dialog header { display: flex; justify-content: space-between; align-items: center; padding: .3rem .8rem; background: #f6f8fa; }
  dialog header button { background: #57606a; padding: .2rem .7rem; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid #eaeef2; }
  .muted { color: #57606a; font-size: .9rem; }
`;

const SCRIPT = `
  const LABELS = { created: 'Waiting for payment', processing: 'Processing', succeeded: 'Payment succeeded',
    failed: 'Payment failed', expired: 'Expired' };
  const FINAL = ['succeeded', 'failed', 'expired'];
  const customerId = 'cust_demo';
  const $ = (id) => document.getElementById(id);
  const rupees = (money) => '₹' + (money.amount / 100).toFixed(2);
  let token = null;
  let current = null; // { id, gatewayOrderId, final, shown }

  async function api(method, path, body, headers = {}) {
    const res = await fetch(path, {
      method,
      headers: { authorization: 'Bearer ' + token, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = res.status === 204 ? null : await res.json();
    if (!res.ok) throw new Error(data && data.detail ? data.detail : 'HTTP ' + res.status);
    return data;
  }

  function show(status) {
    // the checkout's callback and the stream may both report a status: each is shown once
    if (!current || current.final || current.shown === status) return;
    current.shown = status;
    if (FINAL.includes(status)) current.final = true;
    $('status').dataset.status = status;
    $('status').textContent = LABELS[status] || status;
    const item = document.createElement('li');
    item.textContent = LABELS[status] || status;
    $('steps').append(item);
    if (current.final) {
      $('pay').disabled = false;
      // notifications are written a moment after the status changes (Pub/Sub push): look again shortly
      refresh();
      setTimeout(refresh, 1000);
      setTimeout(refresh, 3000);
    }
  }

  // The live stream, read with fetch (EventSource cannot send the Authorization header). On a dropped connection it
  // resumes with Last-Event-ID, so no step is missed.
  async function follow(order) {
    let lastId = null;
    while (current === order && !order.final) {
      try {
        const res = await fetch('/v1/orders/' + order.id + '/stream', {
          headers: { authorization: 'Bearer ' + token, ...(lastId !== null ? { 'last-event-id': lastId } : {}) },
        });
        if (res.status === 204 || !res.ok) return;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\\n\\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id = null, data = null;
            for (const line of block.split('\\n')) {
              if (line.startsWith('id:')) id = line.slice(3).trim();
              if (line.startsWith('data:')) data = line.slice(5).trim();
            }
            if (data) { lastId = id; if (current === order) show(JSON.parse(data).status); }
          }
        }
      } catch (err) {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async function refresh() {
    const [orders, notes] = await Promise.all([api('GET', '/v1/orders?limit=10'), api('GET', '/v1/notifications?limit=10')]);
    $('history').replaceChildren(...orders.items.map((o) => {
      const row = document.createElement('tr');
      for (const text of [new Date(o.createdAt).toLocaleTimeString(), rupees(o.amount), o.status, o.id]) {
        const cell = document.createElement('td'); cell.textContent = text; row.append(cell);
      }
      return row;
    }));
    $('notifications').replaceChildren(...notes.items.map((n) => {
      const item = document.createElement('li'); item.textContent = n.message; return item;
    }));
  }

  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    $('error').textContent = '';
    const amount = Math.round(Number($('amount').value) * 100);
    $('pay').disabled = true;
    try {
      // one key per press: a retried request can never make a second order
      const order = await api('POST', '/v1/orders', { amount, currency: 'INR', description: 'Checkout demo' },
        { 'idempotency-key': 'demo-' + crypto.randomUUID() });
      current = { id: order.id, gatewayOrderId: order.checkout.gatewayOrderId, final: false };
      $('steps').replaceChildren();
      show(order.status);
      follow(current);
      $('checkout-frame').src = order.checkout.checkoutUrl;
      $('checkout').showModal();
      refresh();
    } catch (err) {
      $('error').textContent = 'Could not create the order: ' + err.message;
      $('pay').disabled = false;
    }
  });

  $('close-checkout').addEventListener('click', () => $('checkout').close());

  // The checkout's callback, as Razorpay's handler receives it: forwarded to confirm unchanged.
  window.addEventListener('message', async (e) => {
    if (e.origin !== location.origin || !e.data || e.data.source !== 'sandbox-checkout' || !current) return;
    $('checkout').close();
    if (e.data.event !== 'payment.success' || e.data.razorpay_order_id !== current.gatewayOrderId) return;
    show('processing');
    try {
      const { source, event, ...callback } = e.data;
      await api('POST', '/v1/orders/' + current.id + '/confirm', callback);
    } catch (err) {
      $('error').textContent = 'Confirm failed: ' + err.message;
    }
  });

  fetch('/dev/token?customerId=' + customerId).then((r) => r.json()).then((t) => {
    token = t.token;
    $('pay').disabled = false;
    refresh();
  });
`;

/** The demo page (HTML). */
export function demoPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checkout demo · payments</title>
<style>${STYLE}</style>
</head>
<body>
<main>
  <h1>Checkout demo</h1>
  <p class="muted">The embedded development stack with its sandbox gateway: no real money. The API it uses is at
    <a href="/docs">/docs</a>.</p>
  <form id="form">
    <label for="amount">Amount (₹)
      <input id="amount" name="amount" type="number" min="1" max="1000000" step="0.01" value="499" required>
    </label>
    <button id="pay" type="submit" disabled>Pay</button>
  </form>
  <p id="error" role="alert"></p>
  <h2>Status</h2>
  <p id="status" role="status" aria-live="polite">Enter an amount and press Pay.</p>
  <ol id="steps" aria-label="Steps so far"></ol>
  <h2>Your orders</h2>
  <table><thead><tr><th>Time</th><th>Amount</th><th>Status</th><th>Order</th></tr></thead><tbody id="history"></tbody></table>
  <h2>Notifications</h2>
  <ul id="notifications"></ul>
</main>
<dialog id="checkout" aria-label="Checkout">
  <header><span>Sandbox checkout</span><button id="close-checkout" type="button">Close</button></header>
  <iframe id="checkout-frame" title="Sandbox checkout"></iframe>
</dialog>
<script>${SCRIPT}</script>
</body>
</html>`;
}
