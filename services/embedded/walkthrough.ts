/** The first-payment walk-through printed at start; the README repeats it. */
export function walkthrough(base: string): string {
  return `
Payments backend (embedded default): every service and the sandbox gateway on ${base}
  API              ${base}/v1
  Sandbox gateway  ${base}/sandbox  (Razorpay API subset; checkout page ${base}/sandbox/checkout/<gatewayOrderId>)
  Webhooks         ${base}/webhooks/razorpay

Make a first payment:
  TOKEN=$(curl -s '${base}/dev/token?customerId=cust_demo' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
  curl -s -X POST ${base}/v1/orders -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
       -H 'Idempotency-Key: first-payment' -d '{"amount":49900,"currency":"INR","description":"Plan upgrade"}'
  # note "id" (ord_…) and "checkout.gatewayOrderId" (order_…), then pay in the sandbox (or open checkout.checkoutUrl):
  curl -s -X POST ${base}/sandbox/control/orders/<gatewayOrderId>/pay -H 'Content-Type: application/json' \\
       -d '{"outcome":"success","webhook":"deliver"}'
  curl -s ${base}/v1/orders/<id> -H "Authorization: Bearer $TOKEN"          # status: succeeded
  curl -s ${base}/v1/notifications -H "Authorization: Bearer $TOKEN"        # created, succeeded
`;
}
