import test from 'ava';
import { MemoryWebhookIssueStore } from '../../shared/adapters/memory/memory-webhook-issue-store.ts';
import { webhookIssueStoreContract } from './webhook-issue-store.contract.ts';

webhookIssueStoreContract(test, () => new MemoryWebhookIssueStore());
