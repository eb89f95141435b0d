#!/usr/bin/env bash
# One-time setup of a Google Cloud project for the payments services. Idempotent: re-running skips what exists.
# Usage: PROJECT=my-project REGION=asia-south1 STATUS_CHECKER_URL=https://… NOTIFIER_URL=https://… infra/setup.sh
set -euo pipefail
: "${PROJECT:?set PROJECT}" "${REGION:=asia-south1}" "${STATUS_CHECKER_URL:?set STATUS_CHECKER_URL}" "${NOTIFIER_URL:?set NOTIFIER_URL}"
g() { gcloud --project "$PROJECT" "$@"; }
try() { "$@" 2>/dev/null || echo "  (exists) $*" | cut -c1-120; }

g services enable run.googleapis.com firestore.googleapis.com pubsub.googleapis.com cloudtasks.googleapis.com \
  cloudscheduler.googleapis.com secretmanager.googleapis.com artifactregistry.googleapis.com
try g artifacts repositories create payments --repository-format=docker --location="$REGION"

# service accounts: one per service, one that Cloud Tasks / Pub/Sub / Scheduler sign their OIDC tokens as
for sa in payments-api payments-webhooks payments-status-checker payments-notifier payments-pusher; do
  try g iam service-accounts create "$sa"
done
SA() { echo "$1@$PROJECT.iam.gserviceaccount.com"; }
for sa in payments-api payments-webhooks payments-status-checker payments-notifier; do
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA $sa)" --role=roles/datastore.user --condition=None >/dev/null
done
for sa in payments-api payments-webhooks payments-status-checker; do
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA $sa)" --role=roles/pubsub.publisher --condition=None >/dev/null
  g projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$(SA $sa)" --role=roles/cloudtasks.enqueuer --condition=None >/dev/null
  # enqueuing a task with an OIDC token means acting as the pusher account
  g iam service-accounts add-iam-policy-binding "$(SA payments-pusher)" --member="serviceAccount:$(SA $sa)" --role=roles/iam.serviceAccountUser >/dev/null
done
g run services add-iam-policy-binding payments-status-checker --region="$REGION" --member="serviceAccount:$(SA payments-pusher)" --role=roles/run.invoker >/dev/null || true
g run services add-iam-policy-binding payments-notifier --region="$REGION" --member="serviceAccount:$(SA payments-pusher)" --role=roles/run.invoker >/dev/null || true

# Firestore (native mode) and the composite indexes the queries need
try g firestore databases create --location="$REGION"
node -e '
const { indexes } = require("./infra/firestore/firestore.indexes.json");
for (const i of indexes) {
  const fields = i.fields.map((f) => `--field-config=field-path=${f.fieldPath},${f.order ? "order=" + f.order.toLowerCase() : "array-config=" + f.arrayConfig.toLowerCase()}`);
  console.log(["--collection-group=" + i.collectionGroup, "--query-scope=" + (i.queryScope || "COLLECTION"), ...fields].join(" "));
}' | while read -r args; do try g firestore indexes composite create $args --async; done

# Cloud Tasks: status checks; backoff 10 s doubling to 5 min, retried for a day (then the nightly job reconciles)
try g tasks queues create status-checks --location="$REGION" --max-attempts=-1 --max-retry-duration=86400s \
  --min-backoff=10s --max-backoff=300s --max-doublings=5 --max-dispatches-per-second=50

# Pub/Sub: the event topic, its dead-letter topic, and the notifier's OIDC push subscription
try g pubsub topics create payment-events
try g pubsub topics create payment-events-dead-letter
try g pubsub subscriptions create notifier-payment-events --topic=payment-events \
  --push-endpoint="$NOTIFIER_URL/pubsub/payment-events" --push-auth-service-account="$(SA payments-pusher)" \
  --push-auth-token-audience="$NOTIFIER_URL" --ack-deadline=30 --enable-message-ordering \
  --dead-letter-topic=payment-events-dead-letter --max-delivery-attempts=5 --min-retry-delay=10s --max-retry-delay=600s
try g pubsub subscriptions create payment-events-dead-letter-hold --topic=payment-events-dead-letter
NUMBER=$(g projects describe "$PROJECT" --format='value(projectNumber)')
PUBSUB_AGENT="serviceAccount:service-$NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com"
g pubsub topics add-iam-policy-binding payment-events-dead-letter --member="$PUBSUB_AGENT" --role=roles/pubsub.publisher >/dev/null
g pubsub subscriptions add-iam-policy-binding notifier-payment-events --member="$PUBSUB_AGENT" --role=roles/pubsub.subscriber >/dev/null

# Cloud Scheduler: the outbox sweep republishes events whose publish failed after their commit
try g scheduler jobs create http payments-outbox-sweep --location="$REGION" --schedule="* * * * *" \
  --uri="$STATUS_CHECKER_URL/tasks/sweep-outbox" --http-method=POST \
  --oidc-service-account-email="$(SA payments-pusher)" --oidc-token-audience="$STATUS_CHECKER_URL"

# secrets (values added with: printf %s "$VALUE" | gcloud secrets versions add NAME --data-file=-)
try g secrets create razorpay-key-secret --replication-policy=automatic
try g secrets create razorpay-webhook-secret --replication-policy=automatic
echo "done. Put the non-secret settings in infra/env/$REGION.yaml (see infra/env/example.yaml)."
