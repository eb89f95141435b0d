/** The first-payment walk-through printed at start; the README repeats it. */
export function walkthrough(base: string, operatorKey: string | null): string {
  return `
Payments backend: every service and the sandbox gateway behind ${base}
  Checkout demo    ${base}/  (open it in a browser)
  API reference    ${base}/docs  (OpenAPI 3.1: ${base}/openapi.json)
  API              ${base}/v1
  Sandbox gateway  ${base}/sandbox  (Razorpay API subset; checkout page ${base}/sandbox/checkout/<gatewayOrderId>)
  Webhooks         ${base}/webhooks/razorpay
  Operator key     ${operatorKey ? `${operatorKey}  (finance role, development only: set OPERATOR_API_KEYS)` : 'from OPERATOR_API_KEYS'}

Make a first payment:
  B=${base}
  TOKEN=$(curl -s "$B/dev/token?customerId=cust_demo" | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s -X POST $B/v1/orders -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
       -H 'Idempotency-Key: first-payment' -d '{"amount":49900,"currency":"INR","description":"Plan upgrade"}'
  # Idempotency-Key is required (a retry returns the same order). Note "id" (ord_…) and "checkout.gatewayOrderId"
  # (order_…), then pay in the sandbox (or open checkout.checkoutUrl):
  curl -s -X POST $B/sandbox/control/orders/<gatewayOrderId>/pay -H 'Content-Type: application/json' \\
       -d '{"outcome":"success","webhook":"deliver"}'
  curl -s $B/v1/orders/<id> -H "Authorization: Bearer $TOKEN"          # status: succeeded
  curl -sN $B/v1/orders/<id>/stream -H "Authorization: Bearer $TOKEN"  # live status (Server-Sent Events)
  curl -s $B/v1/account -H "Authorization: Bearer $TOKEN"              # balance: 49900
  curl -s $B/v1/notifications -H "Authorization: Bearer $TOKEN"        # created, succeeded

Refund part of it (operators, finance role):
  curl -s -X POST $B/v1/orders/<id>/refunds -H "X-Api-Key: ${operatorKey ?? '<key>'}" -H 'Content-Type: application/json' \\
       -H 'Idempotency-Key: refund-1' -d '{"amount":10000,"reason":"goodwill"}'
  curl -s $B/v1/orders/<id> -H "Authorization: Bearer $TOKEN"          # refunds[0].status: processed, refundedAmount
  curl -s $B/v1/notifications -H "Authorization: Bearer $TOKEN"        # + refund-initiated, refunded
`;
}
