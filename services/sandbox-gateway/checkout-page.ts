import { formatMoney } from '../../shared/domain/money.ts';
import type { RzpOrder } from './entities.ts';

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
  .card { border: 1px solid #d0d7de; border-radius: 12px; padding: 1.5rem; }
  .amount { font-size: 2.2rem; font-weight: 600; margin: .5rem 0 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1.2rem; }
  dt { color: #57606a; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
  button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: 8px; border: 0; cursor: pointer; margin-right: .5rem; }
  .pay { background: #1f883d; color: #fff; } .fail { background: #cf222e; color: #fff; }
  button:disabled { opacity: .5; cursor: default; }
  pre { background: #f6f8fa; padding: 1rem; border-radius: 8px; white-space: pre-wrap; word-break: break-all; }
  .note { color: #57606a; font-size: .9rem; }
`;

// Reads the order id from a data attribute and writes results with textContent: nothing echoed is parsed as HTML.
// The control URL is relative, so the page works wherever the sandbox is mounted (`/sandbox/checkout/…`).
const SCRIPT = `
  const orderId = document.body.dataset.orderId;
  const out = document.getElementById('result');
  const buttons = document.querySelectorAll('button');
  // Like Razorpay's checkout handler: the page that opened the checkout (a frame's parent, or a popup's opener) is
  // told the outcome, on this origin only.
  function tell(message) {
    const host = window.parent !== window ? window.parent : window.opener;
    if (host) host.postMessage({ source: 'sandbox-checkout', ...message }, location.origin);
  }
  async function pay(outcome) {
    buttons.forEach((b) => { b.disabled = true; });
    out.textContent = 'Working…';
    try {
      const res = await fetch('../control/orders/' + encodeURIComponent(orderId) + '/pay', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ outcome }),
      });
      const body = await res.json();
      if (!res.ok) { out.textContent = 'Refused: ' + JSON.stringify(body, null, 2); buttons.forEach((b) => { b.disabled = false; }); return; }
      // the order as it now stands, so the page never shows a stale status
      if (body.order) {
        document.getElementById('order-status').textContent = body.order.status;
        document.getElementById('order-attempts').textContent = String(body.order.attempts);
      }
      if (body.signature) {
        const callback = { razorpay_order_id: orderId, razorpay_payment_id: body.paymentId, razorpay_signature: body.signature };
        out.textContent = 'Paid. Checkout hands the app:\\n' + JSON.stringify(callback, null, 2) +
          '\\n\\nPOST these to the payments API\\'s confirm endpoint for your order; the webhook follows.';
        tell({ event: 'payment.success', ...callback });
      } else {
        out.textContent = 'Payment failed (the order can be paid again):\\n' + JSON.stringify(body, null, 2);
        buttons.forEach((b) => { b.disabled = false; });
        tell({ event: 'payment.failed', error: body.error });
      }
    } catch (err) {
      out.textContent = 'Could not reach the sandbox: ' + err;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }
  document.getElementById('pay').addEventListener('click', () => pay('success'));
  document.getElementById('fail').addEventListener('click', () => pay('failure'));
`;

export function checkoutPage(order: RzpOrder): string {
  const amount = formatMoney({ amount: order.amount, currency: order.currency });
  const open = order.status !== 'paid';
  const disabled = open ? '' : ' disabled';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox checkout · ${escapeHtml(amount)}</title>
<style>${STYLE}</style>
</head>
<body data-order-id="${escapeHtml(order.id)}">
<div class="card">
  <div>Sandbox gateway checkout (test mode, no real money)</div>
  <div class="amount">${escapeHtml(amount)}</div>
  <dl>
    <dt>Order</dt><dd>${escapeHtml(order.id)}</dd>
    <dt>Receipt</dt><dd>${escapeHtml(order.receipt ?? '—')}</dd>
    <dt>Status</dt><dd id="order-status" aria-live="polite">${escapeHtml(order.status)}</dd>
    <dt>Attempts</dt><dd id="order-attempts">${order.attempts}</dd>
  </dl>
  <button id="pay" class="pay"${disabled}>Pay ${escapeHtml(amount)}</button>
  <button id="fail" class="fail"${disabled}>Fail</button>
  <pre id="result">${open ? 'Choose an outcome.' : 'This order is already paid.'}</pre>
  <p class="note">Pay captures the payment and sends payment.captured and order.paid webhooks; Fail sends payment.failed.</p>
</div>
<script>${SCRIPT}</script>
</body>
</html>`;
}

export function checkoutNotFoundPage(orderId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Order not found</title><style>${STYLE}</style></head>
<body><div class="card"><p>No sandbox order <code>${escapeHtml(orderId)}</code>.</p></div></body></html>`;
}
