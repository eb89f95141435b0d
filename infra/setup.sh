#!/usr/bin/env bash
# One-time setup of a Google Cloud project for the payments services. Idempotent: re-running skips what exists.
# Usage: PROJECT=my-project REGION=asia-south1 URL_SUFFIX=abcdefghij-el.a.run.app infra/setup.sh
# (Cloud Run URLs are https://payments-<service>-<URL_SUFFIX>; deploy once with cloudbuild.yaml to learn the suffix.)
set -euo pipefail
: "${PROJECT:?set PROJECT}" "${REGION:=asia-south1}" "${URL_SUFFIX:?set URL_SUFFIX}"
url() { echo "https://payments-$1-$URL_SUFFIX"; }
STATUS_CHECKER_URL=$(url status-checker)
g() { gcloud --project "$PROJECT" "$@"; }
try() { "$@" 2>/dev/null || echo "  (exists) $*" | cut -c1-120; }

g services enable run.googleapis.com firestore.googleapis.com pubsub.googleapis.com cloudtasks.googleapis.com \
  cloudscheduler.googleapis.com secretmanager.googleapis.com artifactregistry.googleapis.com
try g artifacts repositories create payments --repository-format=docker --location="$REGION"

# service accounts: one per service, one that Cloud Tasks / Pub/Sub / Scheduler sign their OIDC tokens as
SERVICES="api webhooks status-checker notifier fulfillment refunds"
for sa in $(for s in $SERVICES; do echo "payments-$s"; done) payments-pusher; do
  try g iam service-accounts create "$sa"
done
SA() { echo "$1@$PROJECT.iam.gserviceaccount.com"; }
for s in $SERVICES; do
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA payments-$s)" --role=roles/datastore.user --condition=None >/dev/null
done
# every service that commits state changes publishes (outbox relay) and enqueues tasks (checks, deliveries)
for sa in payments-api payments-webhooks payments-status-checker payments-notifier payments-fulfillment payments-refunds; do
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA $sa)" --role=roles/pubsub.publisher --condition=None >/dev/null
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA $sa)" --role=roles/cloudtasks.enqueuer --condition=None >/dev/null
  # enqueuing a task with an OIDC token means acting as the pusher account
  g iam service-accounts add-iam-policy-binding "$(SA payments-pusher)" --member="serviceAccount:$(SA $sa)" --role=roles/iam.serviceAccountUser >/dev/null
done
for s in status-checker notifier fulfillment refunds; do
  g run services add-iam-policy-binding "payments-$s" --region="$REGION" --member="serviceAccount:$(SA payments-pusher)" --role=roles/run.invoker >/dev/null || true
done

# Firestore (native mode) and the composite indexes the queries need
try g firestore databases create --location="$REGION"
node -e '
const { indexes } = require("./infra/firestore/firestore.indexes.json");
for (const i of indexes) {
  const fields = i.fields.map((f) => `--field-config=field-path=${f.fieldPath},${f.order ? "order=" + f.order.toLowerCase() : "array-config=" + f.arrayConfig.toLowerCase()}`);
  console.log(["--collection-group=" + i.collectionGroup, "--query-scope=" + (i.queryScope || "COLLECTION"), ...fields].join(" "));
}' | while read -r args; do try g firestore indexes composite create $args --async; done
# TTL policies: records kept only to make retries safe carry expiresAt and are deleted after it (retention.ts)
for c in $(node -p 'require("./infra/firestore/firestore.indexes.json").fieldOverrides.filter((f) => f.ttl).map((f) => f.collectionGroup).join(" ")'); do
  try g firestore fields ttls update expiresAt --collection-group="$c" --enable-ttl --async
done

# Cloud Tasks: payment and refund status checks, and app-webhook deliveries (retried with backoff for a day)
for q in status-checks refund-checks notification-deliveries; do
  try g tasks queues create "$q" --location="$REGION" --max-attempts=-1 --max-retry-duration=86400s \
    --min-backoff=10s --max-backoff=300s --max-doublings=5 --max-dispatches-per-second=50
done

# Pub/Sub: the event topic, its dead-letter topic (with a subscription, or dead letters would be dropped), and one
# OIDC push subscription per handler
try g pubsub topics create payment-events
try g pubsub topics create payment-events-dead-letter
try g pubsub subscriptions create payment-events-dead-letter-hold --topic=payment-events-dead-letter --message-retention-duration=7d
NUMBER=$(g projects describe "$PROJECT" --format='value(projectNumber)')
PUBSUB_AGENT="serviceAccount:service-$NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com"
g pubsub topics add-iam-policy-binding payment-events-dead-letter --member="$PUBSUB_AGENT" --role=roles/pubsub.publisher >/dev/null
for s in notifier fulfillment refunds; do
  try g pubsub subscriptions create "$s-payment-events" --topic=payment-events \
    --push-endpoint="$(url $s)/pubsub/payment-events" --push-auth-service-account="$(SA payments-pusher)" \
    --push-auth-token-audience="$(url $s)" --ack-deadline=30 --enable-message-ordering \
    --dead-letter-topic=payment-events-dead-letter --max-delivery-attempts=10 --min-retry-delay=10s --max-retry-delay=600s
  g pubsub subscriptions add-iam-policy-binding "$s-payment-events" --member="$PUBSUB_AGENT" --role=roles/pubsub.subscriber >/dev/null
done

# Cloud Scheduler: the outbox sweep republishes events whose publish failed after their commit
try g scheduler jobs create http payments-outbox-sweep --location="$REGION" --schedule="* * * * *" \
  --uri="$STATUS_CHECKER_URL/jobs/sweep-outbox" --http-method=POST \
  --oidc-service-account-email="$(SA payments-pusher)" --oidc-token-audience="$STATUS_CHECKER_URL"

# secrets (values added with: printf %s "$VALUE" | gcloud secrets versions add NAME --data-file=-)
try g secrets create razorpay-key-secret --replication-policy=automatic
try g secrets create razorpay-webhook-secret --replication-policy=automatic
try g secrets create operator-api-keys --replication-policy=automatic
echo "done. Put the non-secret settings in infra/env/$REGION.yaml (see infra/env/example.yaml)."
